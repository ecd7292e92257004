"""One help style for every ``jupyter sagerun`` command: argparse's.

The subcommands that parse their own arguments print argparse's help; those made of
traitlets aliases and flags only (``jupyter sagerun`` itself, ``jupyter sagerun
local``) would print traitlets' much longer one. ``options_parser`` describes a
traitlets application's aliases and flags as an argparse parser, so that ``--help``
reads alike everywhere, and ``--help-all`` stays traitlets' list of every configurable
option.
"""

from __future__ import annotations

import argparse
import textwrap
from collections.abc import Mapping
from typing import Any

from traitlets import HasTraits
from traitlets.config import Application

HELP_ALL = "--help-all lists every configurable option (c.CLASS.NAME), in traitlets' format."


def wrap_description(text: str, width: int = 79) -> str:
    """Each paragraph of ``text`` filled to ``width``, as argparse would without raw text."""
    paragraphs = [" ".join(part.split()) for part in text.split("\n\n")]
    return "\n\n".join(textwrap.fill(part, width) for part in paragraphs if part)


def _trait_help(app: Application, target: str) -> str:
    """The help of ``Class.trait`` among the app's classes (and the app's own)."""
    class_name, _, trait_name = target.rpartition(".")
    for cls in [type(app), *app.classes]:
        for klass in cls.mro():
            if klass.__name__ == class_name and issubclass(klass, HasTraits):
                trait = klass.class_traits().get(trait_name)
                if trait is not None:
                    first = (trait.help or "").strip().split("\n\n")[0]
                    return " ".join(first.split())
    return ""


def options_parser(
    app: Application, prog: str, description: str, *, subcommands: Mapping[str, Any] = {}
) -> argparse.ArgumentParser:
    """An argparse parser that describes ``app``'s aliases, flags and subcommands."""
    parser = argparse.ArgumentParser(
        prog=prog,
        description=wrap_description(description),
        epilog=HELP_ALL,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        add_help=False,
    )
    parser.add_argument("-h", "--help", action="store_true", help="show this help and exit")
    if subcommands:
        commands = parser.add_subparsers(title="commands", metavar="COMMAND")
        for name, (_, text) in subcommands.items():
            commands.add_parser(name, help=text, add_help=False)
    aliases: Mapping[str, Any] = app.aliases
    for name, target in aliases.items():
        if len(name) == 1:
            continue
        trait = target[0] if isinstance(target, tuple) else target
        metavar = trait.rpartition(".")[2].upper()
        parser.add_argument(f"--{name}", metavar=metavar, help=_trait_help(app, trait))
    flags: Mapping[str, Any] = app.flags
    for name, (_, text) in flags.items():
        if len(name) == 1 or not isinstance(name, str):
            continue
        parser.add_argument(f"--{name}", action="store_true", help=" ".join(text.split()))
    parser.add_argument(
        "--help-all", action="store_true", help="list every configurable option and exit"
    )
    return parser
