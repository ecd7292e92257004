"""Puts the checkout on ``sys.path``, so that ``python benchmarks/<name>.py`` (whose
path holds only this directory) imports ``testkit`` as pytest does. Import it first."""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
