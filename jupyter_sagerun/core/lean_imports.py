"""What our own processes (the local backend, its runners, ``jupyter sagerun``) import
without.

jsonschema's format module imports ``rfc3987_syntax`` when it is installed, and it is
wherever Jupyter is (jupyter_events asks for ``jsonschema[format-nongpl]``). That
import builds a Lark grammar: 2.6 s of CPU on a 2-core machine, paid by every process
that imports nbformat, which papermill does, so by every runner before any cell, and
by the CLI when it checks a notebook. The grammar serves only the "iri" and
"iri-reference" format checks, which nothing in these processes asks for: nbformat
validates without a format checker.

Called first thing in a process of ours, never on import: the Jupyter server and the
user's own processes keep their imports as they are.
"""

from __future__ import annotations

import sys

#: Imported only for jsonschema's "iri" formats, and slow to import (above).
SKIPPED = ("rfc3987_syntax",)


def skip_unused_imports() -> None:
    """Make the modules above unimportable in this process (jsonschema then goes on
    without the two format checks they serve), unless something has imported them."""
    for name in SKIPPED:
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]
