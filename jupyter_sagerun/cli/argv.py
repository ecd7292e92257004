"""Split a command line between our argparse options and traitlets configuration.

Options such as ``-p NAME VALUE`` take two values, which traitlets cannot express, and
``--SageRun.backend local`` takes one that argparse would mistake for the notebook.
So each token is routed by its name before either parser sees it: ``--Class.trait``
and the configuration aliases go to traitlets (with their value, when it is the next
token), everything else to argparse.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence


def split_argv(
    argv: Sequence[str], aliases: Iterable[str], flags: Iterable[str]
) -> tuple[list[str], list[str]]:
    """``(ours, traitlets)``: ``aliases`` take a value, ``flags`` do not."""
    valued = set(aliases)
    bare = set(flags)
    ours: list[str] = []
    theirs: list[str] = []
    tokens = list(argv)
    i = 0
    while i < len(tokens):
        token = tokens[i]
        i += 1
        if token == "--":
            ours.extend(tokens[i - 1 :])
            break
        if not token.startswith("--"):
            ours.append(token)
            continue
        name, has_value, _ = token[2:].partition("=")
        if name in bare:
            theirs.append(token)
        elif "." in name or name in valued:
            theirs.append(token)
            if not has_value and i < len(tokens):
                theirs.append(tokens[i])
                i += 1
        else:
            ours.append(token)
    return ours, theirs
