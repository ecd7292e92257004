"""The command line every server benchmark starts from."""

from __future__ import annotations

import argparse

from testkit.server import BACKENDS


def benchmark_parser(doc: str | None) -> argparse.ArgumentParser:
    """A parser described by the first paragraph of the script's docstring, with
    ``--backend``: where the local backend runs."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0] if doc else None)
    parser.add_argument(
        "--backend",
        choices=BACKENDS,
        default="spawned",
        help="the local backend started by the Jupyter server (default, as "
        "--SageRun.backend=local does) or by hand first (as `jupyter sagerun local`)",
    )
    return parser
