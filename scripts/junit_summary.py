#!/usr/bin/env python3
"""Add up pytest JUnit XML reports: one line per report, then a closing total line.

    python scripts/junit_summary.py sqlite=a.xml postgres=b.xml browser=c.xml

.ci/run prints this last, so that the run closes on the count of every leg and not only on the
last leg's pytest line. Exit status 1 when any report counts a failure or an error.
"""

import sys
import xml.etree.ElementTree as ET
from pathlib import Path


def counts(path: Path) -> dict[str, int]:
    total = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    root = ET.parse(path).getroot()  # noqa: S314
    suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
    for suite in suites:
        for key in total:
            total[key] += int(suite.get(key, 0))
    return total


def main(arguments: list[str]) -> int:
    grand = {"passed": 0, "failed": 0, "skipped": 0}
    for argument in arguments:
        name, _, file_name = argument.partition("=")
        path = Path(file_name)
        if not path.is_file():
            print(f"{name}: no report (no tests collected)")
            continue
        c = counts(path)
        failed = c["failures"] + c["errors"]
        passed = c["tests"] - failed - c["skipped"]
        grand["passed"] += passed
        grand["failed"] += failed
        grand["skipped"] += c["skipped"]
        print(f"{name}: {passed} passed, {failed} failed, {c['skipped']} skipped")
    print(f"total: {grand['passed']} passed, {grand['failed']} failed, {grand['skipped']} skipped")
    return 1 if grand["failed"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
