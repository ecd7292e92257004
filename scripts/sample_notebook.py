"""Write the demo's sample notebook with the metadata its kernel will report.

JupyterLab writes the kernel's ``language_info`` into a notebook's metadata when the
kernel starts; when that differs from what the file holds, the notebook is "unsaved"
before the user has touched it. So the demo's copy carries the ``language_info`` that
ipykernel reports on this Python (its version is this interpreter's).

Usage: python scripts/sample_notebook.py SOURCE DEST   (DEST "-" writes to stdout)
"""

from __future__ import annotations

import json
import platform
import sys
from pathlib import Path

LANGUAGE_INFO = {
    "codemirror_mode": {"name": "ipython", "version": 3},
    "file_extension": ".py",
    "mimetype": "text/x-python",
    "name": "python",
    "nbconvert_exporter": "python",
    "pygments_lexer": "ipython3",
}


def stamped(source: Path) -> str:
    notebook = json.loads(source.read_text(encoding="utf-8"))
    metadata = notebook.setdefault("metadata", {})
    metadata["kernelspec"] = {
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
        "name": "python3",
    }
    metadata["language_info"] = {**LANGUAGE_INFO, "version": platform.python_version()}
    # As JupyterLab writes notebooks: indent 1, a final newline.
    return json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    source, dest = Path(argv[1]), argv[2]
    text = stamped(source)
    if dest == "-":
        sys.stdout.write(text)
    else:
        Path(dest).write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
