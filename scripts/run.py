#!/usr/bin/env python3
"""Run the `langnghe` command without installing the project: `python scripts/run.py serve`.

The same as the `langnghe` console script (langnghe/cli.py), for a checkout whose environment has
the requirements but not the project itself (`pip install -e .` adds the console script).
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from langnghe.cli import main

if __name__ == "__main__":
    sys.exit(main())
