"""`langnghe`: the one command-line entry point (DESIGN.md §5).

    langnghe run        migrate, demo data on an empty database, static files, web server + worker
    langnghe serve      the production web server (granian, WSGI)
    langnghe worker     the task worker (django-tasks-db's db_worker)
    langnghe demo       load the demo data
    langnghe bench      the benchmarks (`make bench`)
    langnghe backup     a consistent archive of the database, keys/ (without the vault key),
                        media/ and sealed/
    langnghe restore    put such an archive back
    langnghe manage …   any Django management command (also: `langnghe <command> …`)

Configuration comes from the environment (docs/operations.md): DATABASE_URL, LANGNGHE_DATA_DIR,
PORT, SECRET_KEY, LANGNGHE_VAULT_KEY_FILE, ALLOWED_HOSTS. DJANGO_SETTINGS_MODULE defaults to
config.settings.dev.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from types import FrameType
from typing import Any

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_SETTINGS = "config.settings.dev"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000

DEMO_PASSWORD = "langnghe-demo"  # noqa: S105 - published demo password (DESIGN.md §5)
DEMO_ACCOUNTS = [
    ("admin", "quản trị hệ thống / system administrator"),
    ("lanhdao", "lãnh đạo / leader"),
    ("tiepnhan", "tiếp nhận / receptionist"),
    ("xuly", "xử lý / handler"),
    ("truongdonvi", "trưởng đơn vị / unit head"),
    ("kiemtra", "kiểm tra / inspector"),
    ("mattran", "Mặt trận / Front liaison"),
]

COMMANDS = {"run", "serve", "worker", "demo", "bench", "manage", "backup", "restore"}
# Sub-commands whose remaining arguments go to Django untouched.
PASS_THROUGH = {"manage", "demo", "bench", "worker"}


# --- helpers ------------------------------------------------------------------------------------


def _say(message: str) -> None:
    print(f"langnghe: {message}", flush=True)


def _setup_django() -> None:
    import django

    if str(BASE_DIR) not in sys.path:
        sys.path.insert(0, str(BASE_DIR))
    django.setup()


def _has_command(name: str) -> bool:
    from django.core.management import get_commands

    return name in get_commands()


def _database_is_postgres() -> bool:
    """Decided from DATABASE_URL alone, so that `serve` need not load Django."""
    url = os.environ.get("DATABASE_URL", "")
    return url.startswith(("postgres://", "postgresql://", "pgsql://", "postgis://"))


def _port() -> int:
    try:
        return int(os.environ.get("PORT", DEFAULT_PORT))
    except ValueError:
        raise SystemExit(f"langnghe: PORT must be a number, not {os.environ['PORT']!r}") from None


# The environment the web server and the worker start with, unless the deployment sets its own:
# glibc gives each thread its own malloc arena, and with the server's threads each holding large
# answers (a thousand Open311 requests) the arenas' free space stays in the process; two arenas
# keep a worker's memory about 10 MB lower under load (docs/performance.md).
PROCESS_ENV_DEFAULTS = {"PYTHONUNBUFFERED": "1", "MALLOC_ARENA_MAX": "2"}


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    path = env.get("PYTHONPATH")
    env["PYTHONPATH"] = f"{BASE_DIR}{os.pathsep}{path}" if path else str(BASE_DIR)
    for name, value in PROCESS_ENV_DEFAULTS.items():
        env.setdefault(name, value)
    return env


def _int_env(name: str) -> int | None:
    value = os.environ.get(name)
    return int(value) if value else None


# --- serve ------------------------------------------------------------------------------------


def server_command(
    host: str | None = None,
    port: int | None = None,
    workers: int | None = None,
    threads: int | None = None,
    access_log: bool = False,
) -> list[str]:
    """The granian command line for the WSGI application.

    SQLite has a single writer: one process with several threads keeps every write in one process
    (they queue on the IMMEDIATE transaction lock and busy_timeout, never on each other's files),
    while reads and slow clients overlap in the threads. PostgreSQL takes concurrent writers, so it
    gets one process per core (the GIL limits what threads alone can do) with a few threads each.
    LANGNGHE_WEB_WORKERS / LANGNGHE_WEB_THREADS, or --workers / --threads, override both.
    """
    cores = os.cpu_count() or 2
    if _database_is_postgres():
        default_workers, default_threads = max(2, min(cores, 8)), 4
    else:
        # Up to 2 threads per core + 1 (more only adds GIL contention), 8 at most.
        default_workers, default_threads = 1, min(2 * cores + 1, 8)
    workers = workers or _int_env("LANGNGHE_WEB_WORKERS") or default_workers
    threads = threads or _int_env("LANGNGHE_WEB_THREADS") or default_threads
    command = [
        sys.executable,
        "-m",
        "granian",
        "--interface",
        "wsgi",
        "--host",
        host or os.environ.get("HOST", DEFAULT_HOST),
        "--port",
        str(port or _port()),
        "--workers",
        str(workers),
        "--blocking-threads",
        str(threads),
        "--no-ws",
        "--respawn-failed-workers",
        "--working-dir",
        str(BASE_DIR),
        "--access-log" if access_log else "--no-access-log",
        "config.wsgi:application",
    ]
    return command


def cmd_serve(args: argparse.Namespace) -> int:
    host = args.host or os.environ.get("HOST", DEFAULT_HOST)
    port = args.port or _port()
    command = server_command(host, port, args.workers, args.threads, args.access_log)
    _say(f"serving on http://{host}:{port}/")
    os.chdir(BASE_DIR)
    os.execve(sys.executable, command, _child_env())  # noqa: S606 - replaces this process
    return 0  # not reached


# --- worker -----------------------------------------------------------------------------------


def worker_arguments(extra: Sequence[str] = ()) -> list[str]:
    # Every queue by default: a task put on a named queue must not wait for a worker nobody runs.
    args = list(extra)
    if not any(a.startswith("--queue-name") for a in args):
        args = ["--queue-name", "*", *args]
    return args


def cmd_worker(args: argparse.Namespace) -> int:
    import django
    from django.core.management import execute_from_command_line

    django.setup()
    # Exactly one deadline sweep is pending whenever a worker runs; the sweep re-schedules itself.
    from langnghe.handling.tasks import ensure_sweep_scheduled

    ensure_sweep_scheduled()
    # The audit trail is chained (tamper-evident) by a task that re-schedules itself too.
    from langnghe.core.audit import ensure_audit_chain_scheduled

    ensure_audit_chain_scheduled()
    # The dashboards' monthly figures are rebuilt by a self-rescheduling task as well.
    from langnghe.stats.tasks import ensure_rebuild_scheduled

    ensure_rebuild_scheduled()
    # Uploaded registers nobody confirmed are deleted once their confirmation has expired.
    from langnghe.imports.pending import ensure_purge_scheduled

    ensure_purge_scheduled()
    # Attachment files a rolled-back or killed submission left behind are removed once a day.
    from langnghe.intake.sweep import ensure_sweep_scheduled as ensure_files_sweep_scheduled

    ensure_files_sweep_scheduled()
    from django.conf import settings

    if settings.TASKS["default"]["BACKEND"].startswith("django_tasks_rq"):
        # LANGNGHE_TASKS_BACKEND=rq (docs/deployment.md): the queue is in Redis.
        execute_from_command_line(["langnghe worker", "rqworker", *rq_worker_arguments(args.extra)])
        return 0
    # Tasks a killed worker left RUNNING go back to the queue (django-tasks-db never retries).
    from langnghe.core.queue import requeue_orphans, worker_id

    requeued = requeue_orphans()
    if requeued:
        _say(f"requeued {requeued} task(s) left running by a stopped worker")
    arguments = worker_arguments(args.extra)
    if not any(a.startswith("--worker-id") for a in arguments):
        arguments += ["--worker-id", worker_id()]
    execute_from_command_line(["langnghe worker", "db_worker", *arguments])
    return 0


def rq_worker_arguments(extra: Sequence[str] = ()) -> list[str]:
    from django.conf import settings

    args = list(extra)
    if "--job-class" not in args:
        args = ["--job-class", "django_tasks_rq.Job", *args]
    if "--with-scheduler" not in args:
        args = ["--with-scheduler", *args]
    queues = sorted(getattr(settings, "RQ_QUEUES", {}))
    return [*args, *(q for q in queues if q not in args)]


# --- run --------------------------------------------------------------------------------------


def _load_demo_if_empty() -> None:
    from django.apps import apps
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    if not _has_command("demo"):
        _say("no `demo` command yet: starting without demo data")
        return
    organisation_model = None
    try:
        for model in apps.get_app_config("orgs").get_models():
            if model.__name__.lower() in {"organisation", "organization", "org"}:
                organisation_model = model
                break
    except LookupError:
        pass
    if organisation_model is not None:
        empty = not organisation_model._default_manager.exists()
    else:  # no organisation model yet: an empty database has no users
        empty = not get_user_model()._default_manager.exists()
    if empty:
        _say("empty database: loading the demo data")
        call_command("demo")


def _port_free(host: str, port: int) -> bool:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def _wait_for_port(host: str, port: int, children: Sequence[subprocess.Popen[bytes]]) -> bool:
    if host in {"0.0.0.0", "::", ""}:  # noqa: S104 - we only connect, to see it listen
        host = "127.0.0.1"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if any(child.poll() is not None for child in children):
            return False
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.2)
    return False


def _stop(children: Sequence[subprocess.Popen[bytes]], timeout: float = 20.0) -> None:
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for child in children:
        try:
            child.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def cmd_run(args: argparse.Namespace) -> int:
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections

    port = args.port or _port()
    host = args.host or os.environ.get("HOST", DEFAULT_HOST)
    if not _port_free(host, port):
        _say(f"{host}:{port} is already in use: stop what uses it, or set PORT")
        return 1
    _say(f"data directory: {settings.DATA_DIR}")
    call_command("migrate", interactive=False, verbosity=args.verbosity)
    if not args.no_demo:
        _load_demo_if_empty()
    call_command("collectstatic", interactive=False, verbosity=min(args.verbosity, 1))
    connections.close_all()

    stop_requested: list[int] = []

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop_requested.append(signum)

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, request_stop)

    env = _child_env()
    # Each child gets its own session, so a Ctrl-C reaches only this process, which then stops
    # both children once and in order (a second SIGINT would make the worker abandon a task).
    server = subprocess.Popen(
        server_command(host, port), cwd=BASE_DIR, env=env, start_new_session=True
    )
    worker = subprocess.Popen(
        [sys.executable, "-m", "langnghe.cli", "worker"],
        cwd=BASE_DIR,
        env=env,
        start_new_session=True,
    )
    children = [server, worker]
    try:
        if not stop_requested and not _wait_for_port(host, port, children):
            if not stop_requested:
                _say(f"the web server did not start on {host}:{port} (is the port taken?)")
                return 1
        if not stop_requested:
            _print_banner(host, port)
        while not stop_requested:
            for child, name in ((server, "web server"), (worker, "worker")):
                if child.poll() is not None:
                    _say(f"the {name} stopped (exit code {child.returncode}); stopping")
                    return 1
            time.sleep(0.3)
        _say("stopping the web server and the worker…")
        return 0
    finally:
        _stop(children)
        _say("stopped")


def _print_banner(host: str, port: int) -> None:
    shown = "127.0.0.1" if host in {"0.0.0.0", "::"} else host  # noqa: S104
    lines = [
        "",
        f"  Lắng Nghe đang chạy / is running:  http://{shown}:{port}/",
        f"  Quản lý / back office:             http://{shown}:{port}/quan-ly/",
        "",
        f"  Tài khoản thử / demo accounts (mật khẩu / password: {DEMO_PASSWORD}):",
        *(f"    {name:<12} {role}" for name, role in DEMO_ACCOUNTS),
        "",
        "  Ctrl-C để dừng / to stop.",
        "",
    ]
    print("\n".join(lines), flush=True)


# --- demo, bench, manage ----------------------------------------------------------------------


def _run_management_command(name: str, extra: Sequence[str]) -> int:
    from django.core.management import execute_from_command_line

    execute_from_command_line([f"langnghe {name}", name, *extra])
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    if not _has_command("demo"):
        _say("the `demo` command is not available yet")
        return 1
    return _run_management_command("demo", args.extra)


def cmd_bench(args: argparse.Namespace) -> int:
    if not _has_command("bench"):
        _say("the benchmarks (`bench` management command) are not available yet")
        return 1
    return _run_management_command("bench", args.extra)


def cmd_manage(args: argparse.Namespace) -> int:
    from django.core.management import execute_from_command_line

    execute_from_command_line(["langnghe manage", *args.extra])
    return 0


# --- backup and restore -----------------------------------------------------------------------

BACKUP_FORMAT = 1
FILE_TREES = ("keys", "media", "sealed")


def _data_paths() -> dict[str, Path]:
    from django.conf import settings

    data_dir = Path(settings.DATA_DIR)
    return {
        "data": data_dir,
        "keys": data_dir / "keys",
        "media": Path(settings.MEDIA_ROOT),
        "sealed": Path(getattr(settings, "SEALED_ROOT", data_dir / "sealed")),
        "vault_key": Path(
            str(settings.LANGNGHE.get("VAULT_KEY_FILE", data_dir / "keys" / "vault.key"))
        ),
        "backups": data_dir / "backups",
    }


def _database() -> dict[str, Any]:
    from django.conf import settings

    return dict(settings.DATABASES["default"])


def _engine_kind(db: dict[str, Any]) -> str:
    engine = str(db["ENGINE"])
    if engine.endswith("sqlite3"):
        return "sqlite"
    if "postgresql" in engine or "postgis" in engine:
        return "postgresql"
    return engine


def _pg_env(db: dict[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    for key, var in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("NAME", "PGDATABASE"),
    ):
        if db.get(key):
            env[var] = str(db[key])
    return env


def _is_within(path: Path, parent: Path) -> bool:
    try:
        path.resolve().relative_to(parent.resolve())
    except ValueError:
        return False
    return True


def _vault_key_arcname(paths: dict[str, Path]) -> str | None:
    """The vault key's name inside the archive's keys/ tree, when it lives there."""
    if not _is_within(paths["vault_key"], paths["keys"]):
        return None
    relative = paths["vault_key"].resolve().relative_to(paths["keys"].resolve())
    return f"keys/{relative.as_posix()}"


def _write_private(path: Path, data: bytes) -> None:
    """Write `path` atomically, mode 0600 from the start (never readable by others), fsynced."""
    tmp = path.with_name(path.name + ".partial")
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    tmp.replace(path)


def make_backup(
    output_dir: Path | None = None, label: str = "langnghe", *, include_vault_key: bool = False
) -> Path:
    """Write DATA_DIR/backups/<label>-<timestamp>.tar.gz and return its path.

    The vault key is never put in the archive: an archive holding both the database and the key
    is as good as the reporters' identities in plain text to whoever gets a copy. With
    `include_vault_key` it is copied to <label>-<timestamp>.vault.key next to the archive, to be
    moved to a different place than the archives (docs/operations.md §4)."""
    paths = _data_paths()
    db = _database()
    kind = _engine_kind(db)
    output_dir = output_dir or paths["backups"]
    output_dir.mkdir(parents=True, exist_ok=True)
    output_dir.chmod(0o700)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = output_dir / f"{label}-{stamp}.tar.gz"
    manifest: dict[str, Any] = {
        "format": BACKUP_FORMAT,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "database": kind,
        "trees": [],
        # Older archives carried the key (inside keys/, or here when it lived elsewhere).
        "vault_key": None,
        "vault_key_excluded": True,
    }
    key_arcname = _vault_key_arcname(paths)
    key_tmp_prefix = (
        f"{key_arcname.rpartition('/')[0]}/.{paths['vault_key'].name}." if key_arcname else ""
    )

    def without_vault_key(member: tarfile.TarInfo) -> tarfile.TarInfo | None:
        # The key itself and the temporary files of an interrupted `vault_rotate`.
        if key_arcname and (member.name == key_arcname or member.name.startswith(key_tmp_prefix)):
            return None
        return member

    with tempfile.TemporaryDirectory(prefix="langnghe-backup-") as tmp:
        tmpdir = Path(tmp)
        if kind == "sqlite":
            source_path = Path(db["NAME"])
            if not source_path.exists():
                raise SystemExit(f"langnghe: no database at {source_path}")
            copy = tmpdir / "langnghe.sqlite3"
            # The backup API copies a consistent snapshot even while the server writes (WAL).
            source = sqlite3.connect(source_path)
            destination = sqlite3.connect(copy)
            try:
                with destination:
                    source.backup(destination)
                destination.execute("PRAGMA journal_mode=DELETE")
                check = destination.execute("PRAGMA quick_check").fetchone()[0]
            finally:
                destination.close()
                source.close()
            if check != "ok":
                raise SystemExit(f"langnghe: the database copy failed its check: {check}")
            database_member = ("database/langnghe.sqlite3", copy)
        elif kind == "postgresql":
            pg_dump = shutil.which("pg_dump")
            if not pg_dump:
                raise SystemExit(
                    "langnghe: pg_dump not found; install the PostgreSQL client "
                    "(apt-get install postgresql-client) of the server's major version"
                )
            dump = tmpdir / "langnghe.pgdump"
            subprocess.run(
                [pg_dump, "--format=custom", "--no-owner", "--no-privileges", "--file", str(dump)],
                env=_pg_env(db),
                check=True,
            )
            database_member = ("database/langnghe.pgdump", dump)
        else:
            raise SystemExit(f"langnghe: cannot back up a {kind} database")

        partial = target.with_name(target.name + ".partial")
        with tarfile.open(partial, "w:gz", compresslevel=6) as archive:
            archive.add(database_member[1], arcname=database_member[0])
            for tree in FILE_TREES:
                if paths[tree].is_dir():
                    archive.add(paths[tree], arcname=tree, filter=without_vault_key)
                    manifest["trees"].append(tree)
            vault_key = paths["vault_key"]
            key_data = vault_key.read_bytes() if include_vault_key and vault_key.is_file() else None
            if key_data is not None:
                manifest["vault_key_file"] = vault_key_copy_path(target).name
            manifest_file = tmpdir / "manifest.json"
            manifest_file.write_text(json.dumps(manifest, indent=2))
            archive.add(manifest_file, arcname="manifest.json")
        partial.chmod(0o600)  # it holds the receipt pepper and the sealed files
        partial.replace(target)
    if key_data is not None:
        _write_private(vault_key_copy_path(target), key_data)
    return target


def vault_key_copy_path(archive: Path) -> Path:
    """<name>.vault.key next to <name>.tar.gz."""
    return archive.with_name(archive.name.removesuffix(".tar.gz") + ".vault.key")


def cmd_backup(args: argparse.Namespace) -> int:
    target = make_backup(
        Path(args.output) if args.output else None, include_vault_key=args.include_vault_key
    )
    _say(f"backup written: {target} (without the vault key)")
    key_copy = vault_key_copy_path(target)
    if args.include_vault_key and key_copy.is_file():
        _say(
            f"vault key written: {key_copy}; keep it apart from the archives "
            "(a copy of both is a copy of every reporter's identity)"
        )
    elif args.include_vault_key:
        _say(f"WARNING: no vault key file at {_data_paths()['vault_key']} to copy")
    else:
        _say(
            "the vault key is not in it: back up the key file separately "
            "(--include-vault-key writes a copy next to the archive)"
        )
    return 0


def _safe_extract(archive: tarfile.TarFile, destination: Path) -> None:
    for member in archive.getmembers():
        name = Path(member.name)
        if name.is_absolute() or ".." in name.parts:
            raise SystemExit(f"langnghe: refusing unsafe path in archive: {member.name}")
        if not (member.isfile() or member.isdir()):
            raise SystemExit(f"langnghe: refusing non-regular file in archive: {member.name}")
    if hasattr(tarfile, "data_filter"):
        archive.extractall(destination, filter="data")
    else:  # pragma: no cover - Python before 3.11.4
        archive.extractall(destination)  # noqa: S202 - members checked above


def _replace_tree(new: Path, current: Path, aside: Path) -> None:
    if current.exists():
        aside.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(current), str(aside))
    current.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(new), str(current))


def _valid_key_file(path: Path) -> bool:
    from cryptography.fernet import Fernet

    from langnghe.intake.vault import parse_keys

    try:
        keys = parse_keys(path.read_text(encoding="ascii"))
        for _, key in keys:
            Fernet(key)
    except (OSError, UnicodeDecodeError, ValueError):
        return False
    return bool(keys)


def _install_key(key: Path, data: bytes) -> None:
    """Write the vault key file atomically with mode 0600."""
    from langnghe.intake.vault import parse_keys, write_key_file

    write_key_file(key, [f"{i}:{k.decode()}" for i, k in parse_keys(data.decode("ascii"))])


def cmd_restore(args: argparse.Namespace) -> int:
    paths = _data_paths()
    db = _database()
    kind = _engine_kind(db)
    archive_path = Path(args.archive)
    if not archive_path.is_file():
        _say(f"no such archive: {archive_path}")
        return 1

    key_source = Path(args.vault_key) if args.vault_key else None
    if key_source is not None and not _valid_key_file(key_source):
        _say(f"{key_source} is not a vault key file (key_id:fernet_key lines)")
        return 1

    has_data = paths["keys"].exists() or (kind == "sqlite" and Path(db["NAME"]).exists())
    if has_data and not args.yes:
        _say(
            "this replaces the database, keys/, media/ and sealed/ of "
            f"{paths['data']}; stop the web server and the worker, then run again with --yes"
        )
        return 1

    paths["data"].mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".restore-", dir=paths["data"]))
    try:
        with tarfile.open(archive_path, "r:gz") as archive:
            _safe_extract(archive, work / "new")
        new = work / "new"
        manifest = json.loads((new / "manifest.json").read_text())
        if manifest.get("format") != BACKUP_FORMAT:
            _say(f"unknown backup format {manifest.get('format')!r}")
            return 1
        if manifest["database"] != kind:
            _say(
                f"the archive holds a {manifest['database']} database but DATABASE_URL points to "
                f"{kind}; set DATABASE_URL to match"
            )
            return 1

        if has_data and not args.no_safety_backup:
            # The current key goes with it (as a separate file): the restore may replace it.
            safety = make_backup(label="pre-restore", include_vault_key=True)
            _say(f"the current state was saved first: {safety}")

        from django.db import connections

        connections.close_all()
        if kind == "sqlite":
            target = Path(db["NAME"])
            target.parent.mkdir(parents=True, exist_ok=True)
            staged = target.with_name(target.name + ".restoring")
            shutil.copyfile(new / "database" / "langnghe.sqlite3", staged)
            # A stale WAL next to the new file would be replayed into it: remove it first.
            for suffix in ("-wal", "-shm"):
                Path(f"{target}{suffix}").unlink(missing_ok=True)
            staged.replace(target)
        else:
            pg_restore = shutil.which("pg_restore")
            if not pg_restore:
                _say("pg_restore not found; install the PostgreSQL client")
                return 1
            subprocess.run(
                [
                    pg_restore,
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--no-privileges",
                    "--dbname",
                    str(db["NAME"]),
                    str(new / "database" / "langnghe.pgdump"),
                ],
                env=_pg_env(db),
                check=True,
            )

        key = paths["vault_key"]
        key_arcname = _vault_key_arcname(paths)
        archived_key = (
            new / manifest["vault_key"]
            if manifest.get("vault_key")
            else (new / key_arcname if key_arcname and (new / key_arcname).is_file() else None)
        )
        # Read before keys/ moves: an archive from before the key was left out carries it there.
        archived_key_bytes = archived_key.read_bytes() if archived_key is not None else None
        current_key = key.read_bytes() if key.is_file() else None
        for tree in manifest.get("trees", []):
            _replace_tree(new / tree, paths[tree], work / "old" / tree)
        key_bytes: bytes | None
        if key_source is not None:
            key_bytes = key_source.read_bytes()
        elif archived_key_bytes is not None:
            key_bytes = archived_key_bytes
        else:
            # Replacing keys/ must not take away the key the archive does not carry.
            key_bytes = current_key
        if key_bytes is not None and (not key.is_file() or key.read_bytes() != key_bytes):
            _install_key(key, key_bytes)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    _say(f"restored {archive_path}")
    if key_source is None and archived_key_bytes is None:
        if key_bytes is None:
            _say(
                f"WARNING: the archive holds no vault key and there is none at {key}: the "
                "reporters' identities and sealed originals cannot be decrypted until the key "
                "file of this backup is put back (langnghe restore --vault-key FILE, or copy it "
                "there with mode 0600)"
            )
        else:
            _say(
                f"kept the current vault key {key}: it must be the key this backup was made "
                "with (otherwise restore again with --vault-key FILE)"
            )
    _say("run `langnghe manage migrate` if the archive comes from an older version")
    return 0


# --- entry point ------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="langnghe",
        description="Lắng Nghe — civic feedback for communes and provinces.",
        epilog="Any other Django management command runs as `langnghe manage <command>`.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def server_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--host", help=f"address to bind (default {DEFAULT_HOST}; HOST overrides)")
        p.add_argument("--port", type=int, help=f"port (default PORT or {DEFAULT_PORT})")

    p = sub.add_parser("run", help="set up and start the web server and the worker (make run)")
    server_options(p)
    p.add_argument("--no-demo", action="store_true", help="do not load demo data")
    p.add_argument("-v", "--verbosity", type=int, default=1, choices=[0, 1, 2, 3])
    p.set_defaults(func=cmd_run, django=True)

    p = sub.add_parser("serve", help="the web server (granian, WSGI)")
    server_options(p)
    p.add_argument("--workers", type=int, help="processes (LANGNGHE_WEB_WORKERS)")
    p.add_argument("--threads", type=int, help="threads per process (LANGNGHE_WEB_THREADS)")
    p.add_argument("--access-log", action="store_true", help="log every request")
    p.set_defaults(func=cmd_serve, django=False)

    p = sub.add_parser("worker", help="the task worker (db_worker; options pass through)")
    p.set_defaults(func=cmd_worker, django=False)

    for name, func, text in (
        ("demo", cmd_demo, "load the demo data"),
        ("bench", cmd_bench, "run the benchmarks"),
        ("manage", cmd_manage, "a Django management command, e.g. `langnghe manage migrate`"),
    ):
        p = sub.add_parser(name, help=text, add_help=False)
        p.set_defaults(func=func, django=True)

    p = sub.add_parser(
        "backup", help="archive the database, keys/ (without the vault key), media/ and sealed/"
    )
    p.add_argument("--output", help="directory for the archive (default DATA_DIR/backups)")
    p.add_argument(
        "--include-vault-key",
        action="store_true",
        help="also copy the vault key to <archive>.vault.key next to the archive (never inside "
        "it: the database and its key together are the identities in clear)",
    )
    p.set_defaults(func=cmd_backup, django=True)

    p = sub.add_parser("restore", help="restore an archive made by `langnghe backup`")
    p.add_argument("archive")
    p.add_argument("--yes", action="store_true", help="replace existing data")
    p.add_argument(
        "--no-safety-backup",
        action="store_true",
        help="do not archive the current state before replacing it",
    )
    p.add_argument(
        "--vault-key",
        metavar="FILE",
        help="install this vault key file (e.g. the .vault.key written by backup "
        "--include-vault-key); otherwise the current key is kept",
    )
    p.set_defaults(func=cmd_restore, django=True)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", DEFAULT_SETTINGS)
    if str(BASE_DIR) not in sys.path:
        sys.path.insert(0, str(BASE_DIR))
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()

    extra: list[str] = []
    if argv and argv[0] in PASS_THROUGH:
        argv, extra = argv[:1], argv[1:]
    elif argv and not argv[0].startswith("-") and argv[0] not in COMMANDS:
        # `langnghe import …`: any Django management command.
        argv, extra = ["manage"], argv

    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    args.extra = extra
    if args.django:
        _setup_django()
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
