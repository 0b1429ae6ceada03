"""The product's processes, as `langnghe serve` and `langnghe worker` run them, each in its own
process group (stopped or killed by its id, never by name), in an environment of its own
(LANGNGHE_DATA_DIR under the test's tmp_path, its own database), and a browser-like client that can
send files."""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from langnghe.core import bench
from langnghe.core.management.commands.bench import SCRUBBED as BENCH_SCRUBBED

BASE_DIR = bench.BASE_DIR
# Environment that would point the product at another deployment: what `langnghe bench` scrubs,
# and the outgoing mail and SMS settings (the crash test's server must send nothing out).
SCRUBBED = (*BENCH_SCRUBBED, "EMAIL_HOST", "EMAIL_BACKEND", "LANGNGHE_SMS_BACKEND")


def product_env(data_dir: Path, database_url: str = "") -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in SCRUBBED}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.dev",
            "LANGNGHE_DATA_DIR": str(data_dir),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            # Every client is 127.0.0.1: the per-address limits would answer the load, not the
            # form (as `langnghe bench` runs the server).
            "LANGNGHE_SUBMIT_LIMITS": "off",
            "LANGNGHE_SSL_REDIRECT": "0",
            "PYTHONUNBUFFERED": "1",
            "PYTHONPATH": str(BASE_DIR),
        }
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def probe(env: dict[str, str], *args: str, stdin: Any = None, timeout: float = 300) -> Any:
    """Run tests.reliability.probe in the product's environment; its JSON answer."""
    done = subprocess.run(
        [sys.executable, "-m", "tests.reliability.probe", *args],
        cwd=BASE_DIR,
        env=env,
        input=json.dumps(stdin) if stdin is not None else None,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode:
        raise RuntimeError(f"probe {args} failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def manage(env: dict[str, str], *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "langnghe.cli", "manage", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


class Group:
    """One product process (and whatever it spawns) in its own session / process group."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], log: Path) -> None:
        self.name, self.argv, self.env, self.log = name, argv, env, log
        self.proc: subprocess.Popen[bytes] | None = None
        self.starts = 0
        self.kills = 0

    def start(self) -> None:
        with self.log.open("ab") as out:
            out.write(f"\n=== start {self.starts + 1}: {' '.join(self.argv)}\n".encode())
            out.flush()
            self.proc = subprocess.Popen(
                self.argv,
                cwd=BASE_DIR,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own group: killed as one, by id
            )
        self.starts += 1

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self) -> None:
        """SIGKILL to the whole group: no handler runs, nothing is flushed or committed."""
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait(30)
        self.kills += 1

    def stop(self, timeout: float = 20.0) -> None:
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout)
        except ProcessLookupError:
            return
        except subprocess.TimeoutExpired:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait(10)


def server_group(env: dict[str, str], port: int, log: Path) -> Group:
    """`langnghe serve` (it execs granian as the product configures it) on `port`."""
    argv = [sys.executable, "-m", "langnghe.cli", "serve", "--port", str(port)]
    return Group("server", argv, {**env, "HOST": bench.LOOPBACK}, log)


def worker_group(env: dict[str, str], log: Path) -> Group:
    """`langnghe worker`: django-tasks-db's db_worker on every queue."""
    return Group("worker", [sys.executable, "-m", "langnghe.cli", "worker"], env, log)


def wait_healthy(port: int, group: Group, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not group.running():
            raise RuntimeError(f"the {group.name} stopped at start; see {group.log}")
        try:
            session = bench.HttpSession(bench.LOOPBACK, port, timeout=5)
            status = session.request("GET", "/healthz").status
            session.close()
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the server did not answer within {timeout:.0f} s; see {group.log}")


class Browser(bench.HttpSession):
    """bench.HttpSession plus multipart/form-data POSTs (file uploads)."""

    def post_files(
        self, path: str, data: dict[str, str], files: dict[str, tuple[str, bytes, str]]
    ) -> bench.Response:
        boundary = uuid.uuid4().hex
        parts: list[bytes] = []
        for key, value in data.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n'.encode()
                + value.encode()
                + b"\r\n"
            )
        for key, (filename, content, content_type) in files.items():
            parts.append(
                (
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"; '
                    f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'
                ).encode()
                + content
                + b"\r\n"
            )
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        headers = {
            "Host": f"{self.host}:{self.port}",
            "User-Agent": "langnghe-reliability",
            "Content-Type": f"multipart/form-data; boundary={boundary}",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            self.conn.request("POST", path, body=body, headers=headers)
            response = self.conn.getresponse()
            payload = response.read()
        except (http.client.HTTPException, OSError):
            self.conn.close()
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            raise
        for line in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = line.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return bench.Response(
            response.status, response.getheader("Location", ""), payload.decode("utf-8", "replace")
        )


def postgres_url_for(base_url: str, suffix: str) -> tuple[str, str]:
    """A new database's URL next to `base_url`'s, and its name."""
    parsed = urlparse(base_url)
    name = f"{parsed.path.lstrip('/') or 'langnghe'}_{suffix}"[:63]
    return parsed._replace(path="/" + name).geturl(), name
