"""Defaults that DataZone's model states only in prose.

The model carries limits as data (``min``, ``max``, ``pattern``) but a member's default
only in its documentation ("... the default value is 720 minutes ..."). The number is
written here once, for the Python side (the local backend applies it to a run that
names no timeout); ``scripts/generate_limits.py`` reads the same sentence from the model
for the frontend's ``src/api/limits.json``, and ``tests/test_model_defaults.py`` checks
that this constant is what the installed model documents.
"""

from __future__ import annotations

import re

#: StartNotebookRun's ``timeoutConfiguration.runTimeoutInMinutes`` when a run names none.
DEFAULT_RUN_TIMEOUT_MINUTES = 720

_DEFAULT_SENTENCE = re.compile(r"default (?:value |timeout )?is (\d+) minutes", re.IGNORECASE)


def documented_default_minutes(documentation: str) -> int:
    """The default a member's documentation states in minutes; ValueError if none."""
    match = _DEFAULT_SENTENCE.search(documentation or "")
    if match is None:
        raise ValueError("the documentation states no default in minutes")
    return int(match.group(1))
