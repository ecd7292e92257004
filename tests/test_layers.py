"""The layer rules of DEVELOPERS.md, checked on the source: who may import what.

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

#: Third-party packages only some modules may import; ``local/`` is the backend, a
#: program of its own that happens to share the package, and may use them all.
ALLOWED: dict[str, set[str]] = {
    # THE module that talks to AWS; the local backend reads and writes its own S3.
    "boto3": {"datazone.py", "local/s3.py"},
    # The model's loader and shapes, the AWS calls, the backend's protocol and signatures.
    "botocore": {"datazone.py", "datazone_model.py", "validation.py", "local/*"},
    "tornado": {"app.py", "handlers.py", "local/*"},
    "jupyter_server": {"app.py", "handlers.py"},
    "pydantic": {"models.py", "handlers.py"},
    "moto": {"local/*"},
    "papermill": {"local/*"},
    "nbclient": {"local/*"},
}

#: Of the local backend, what other modules may import: its traits (for
#: ``--LocalBackend.*``), its connection file, the private-file and process helpers and
#: the export lines. Never its machinery (server, store, scheduler, runner, operations, S3).
LOCAL_FOR_CLIENTS = {"backend", "discovery", "private", "processes", "shellenv", ""}

#: The service layer: no web framework, no AWS SDK (DESIGN: handlers stay thin and
#: exactly one module talks to AWS).
SERVICE_LAYER = {
    "service.py",
    "sync.py",
    "workspace.py",
    "runjson.py",
    "results.py",
    "pathruns.py",
    "environment.py",
    "context.py",
    "polling.py",
    "idempotency.py",
}


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
    return name in rule or ("local/*" in rule and name.startswith("local/"))


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


@pytest.mark.parametrize("name", sorted(SERVICE_LAYER))
def test_the_service_layer_imports_no_framework_and_no_sdk(name: str) -> None:
    forbidden = {"tornado", "jupyter_server", "boto3", "botocore", "jupyter_sagerun.datazone"}
    for imported in _imports(PACKAGE / name):
        assert imported.split(".")[0] not in forbidden and imported not in forbidden, (
            f"{name} imports {imported}"
        )


@pytest.mark.parametrize("path", _modules(), ids=_name)
def test_every_module_imports(path: Path) -> None:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    if parts[-1] == "__main__":
        return  # runs a program when imported
    module = ".".join(["jupyter_sagerun", *parts]).removesuffix(".__init__")
    importlib.import_module(module)


def test_the_rules_see_imports() -> None:
    # The checks above would pass vacuously if the parser found nothing.
    assert "botocore.loaders" in _imports(PACKAGE / "datazone_model.py")
    assert "jupyter_sagerun.errors" in _imports(PACKAGE / "service.py")
    assert "jupyter_sagerun.local.discovery" in _imports(PACKAGE / "backend_process.py")
