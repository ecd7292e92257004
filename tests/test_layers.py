"""The rooms of the package and who may import what, checked on the source.

Each module's imports (top level and inside functions alike: a lazy import is still a
dependency) are read with ``ast``; then every module is imported, so a module that
names one that no longer exists fails here rather than at a user's first request
(mypy's ``ignore_missing_imports`` lets such an import through).
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "jupyter_sagerun"

#: The rooms of the package, each a folder. A room imports only from the rooms listed for
#: it: the layers of DEVELOPERS.md, bottom (``core``) to top (``server``, ``cli``).
#: ``local/`` is the backend, a program of its own that shares the package: it stands on
#: ``core`` and the DataZone model of ``aws``, never on the client's workflow.
ROOMS: dict[str, set[str]] = {
    "core": {"core"},
    "aws": {"core", "aws"},
    "runs": {"core", "aws", "runs"},
    "local": {"core", "aws", "local"},
    "server": {"core", "aws", "runs", "local", "server"},
    "cli": {"core", "aws", "runs", "local", "server", "cli"},
}

#: Of ``aws``, what the backend and the workflow may use: the models (DataZone's,
#: EventBridge Scheduler's), the validator, the error table and the log filter. The
#: gateways that call AWS are handed to the workflow by the composition
#: (``server/wiring.py``), so no workflow module imports them.
AWS_FOR_OTHERS = {
    "datazone_model",
    "scheduler_model",
    "validation",
    "wirelog",
    "error_tables",
    "",
}

#: Third-party packages only some modules may import (``room/*``: the whole room).
ALLOWED: dict[str, set[str]] = {
    # THE module that talks to AWS; the local backend reads and writes its own S3.
    "boto3": {"aws/datazone.py", "local/s3.py"},
    # The model's loader and shapes, the AWS calls, the backend's protocol and signatures.
    "botocore": {"aws/*", "local/*"},
    "tornado": {"server/*", "local/*"},
    "jupyter_server": {"server/*"},
    "pydantic": {"runs/models.py", "runs/schedule_models.py", "server/handlers.py"},
    "moto": {"local/*"},
    "papermill": {"local/*"},
    "nbclient": {"local/*"},
}

#: Of the local backend, what other rooms may import: its traits (for
#: ``--LocalBackend.*``), its connection file, the private-file and process helpers and
#: the export lines. Never its machinery (server, store, scheduler, runner, operations, S3).
LOCAL_FOR_CLIENTS = {"backend", "discovery", "private", "processes", "shellenv", ""}

#: The workflow: no web framework, no AWS SDK (DESIGN: handlers stay thin and exactly one
#: module talks to AWS).
SERVICE_ROOMS = {"runs", "core"}


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "labextension" not in p.parts)


def _name(path: Path) -> str:
    return path.relative_to(PACKAGE).as_posix()


def _imports(path: Path) -> set[str]:
    """Absolute names of everything ``path`` imports (relative imports resolved)."""
    package = ["jupyter_sagerun", *path.relative_to(PACKAGE).parent.parts]
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
                names.add(module)
                # `from . import x`, `from .local import processes`: submodules.
                folder = PACKAGE.joinpath(*module.split(".")[1:])
                names.update(
                    f"{module}.{alias.name}"
                    for alias in node.names
                    if (folder / f"{alias.name}.py").exists() or (folder / alias.name).is_dir()
                )
            elif node.module:
                names.add(node.module)
    return names


def _allowed(rule: set[str], name: str) -> bool:
    return name in rule or f"{_room(name)}/*" in rule


def _room(name: str) -> str:
    """``runs/service.py`` -> ``runs``; the package's own ``__init__.py`` -> ``""``."""
    return name.split("/")[0] if "/" in name else ""


@pytest.mark.parametrize("path", _modules(), ids=_name)
def test_third_party_imports_stay_in_their_layer(path: Path) -> None:
    name = _name(path)
    for imported in _imports(path):
        top = imported.split(".")[0]
        if top in ALLOWED:
            assert _allowed(ALLOWED[top], name), f"{name} imports {imported}"


@pytest.mark.parametrize("path", _modules(), ids=_name)
def test_only_the_backend_uses_its_machinery(path: Path) -> None:
    name = _name(path)
    if name.startswith("local/"):
        return
    for imported in _imports(path):
        if imported == "jupyter_sagerun.local" or imported.startswith("jupyter_sagerun.local."):
            part = imported.removeprefix("jupyter_sagerun.local").lstrip(".").split(".")[0]
            assert part in LOCAL_FOR_CLIENTS, f"{name} imports {imported}"


@pytest.mark.parametrize("path", _modules(), ids=_name)
def test_each_room_imports_only_the_rooms_below_it(path: Path) -> None:
    name = _name(path)
    room = _room(name)
    if not room:
        return  # the package's __init__: the extension's entry points
    for imported in _imports(path):
        parts = imported.split(".")
        if parts[0] != "jupyter_sagerun" or len(parts) < 2:
            continue
        target = parts[1]
        if not (PACKAGE / target).is_dir():
            continue  # `__version__` and the like, from the package itself
        assert target in ROOMS[room], f"{name} ({room}) imports {imported} ({target})"
        if target == "aws" and room in {"runs", "local"}:
            part = parts[2] if len(parts) > 2 else ""
            assert part in AWS_FOR_OTHERS, f"{name} imports the AWS gateway: {imported}"


@pytest.mark.parametrize(
    "path", [p for p in _modules() if _room(_name(p)) in SERVICE_ROOMS], ids=_name
)
def test_the_workflow_imports_no_framework_and_no_sdk(path: Path) -> None:
    forbidden = {"tornado", "jupyter_server", "boto3", "botocore"}
    for imported in _imports(path):
        assert imported.split(".")[0] not in forbidden, f"{_name(path)} imports {imported}"


def test_every_room_is_listed() -> None:
    folders = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    assert folders == set(ROOMS), "a folder of the package is not a room of ROOMS"
    loose = sorted(p.name for p in PACKAGE.glob("*.py") if p.name != "__init__.py")
    assert not loose, f"modules outside every room: {loose}"


@pytest.mark.parametrize("path", _modules(), ids=_name)
def test_every_module_imports(path: Path) -> None:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    if parts[-1] == "__main__":
        return  # runs a program when imported
    module = ".".join(["jupyter_sagerun", *parts]).removesuffix(".__init__")
    importlib.import_module(module)


def test_the_rules_see_imports() -> None:
    # The checks above would pass vacuously if the parser found nothing.
    assert "botocore.loaders" in _imports(PACKAGE / "aws/datazone_model.py")
    assert "jupyter_sagerun.core.errors" in _imports(PACKAGE / "runs/service.py")
    assert "jupyter_sagerun.local.discovery" in _imports(PACKAGE / "server/backend_process.py")
