"""The workspace's notebook check: what it refuses, and that an unchanged notebook is
parsed once, not on every run (parsing holds the GIL, and with it the event loop)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from jupyter_sagerun.core.errors import SageRunError
from jupyter_sagerun.runs import workspace as workspace_module
from jupyter_sagerun.runs.workspace import Workspace
from testkit.notebooks import write_notebook


def _write(path: Path, source: str) -> bytes:
    return write_notebook(path.parent, path.name, source).read_bytes()


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the full notebook checks, still running the real one."""
    calls: list[int] = []
    real = workspace_module._check_notebook

    def counting(content: bytes) -> None:
        calls.append(len(content))
        real(content)

    monkeypatch.setattr(workspace_module, "_check_notebook", counting)
    return calls


def test_unchanged_content_is_parsed_once(tmp_path: Path, parses: list[int]) -> None:
    content = _write(tmp_path / "a.ipynb", "1 + 1")
    ws = Workspace(str(tmp_path), max_notebook_bytes=10_000_000)

    first = ws.notebook("a.ipynb")
    second = ws.notebook("a.ipynb")

    assert len(parses) == 1
    assert first.sha256 == second.sha256 == hashlib.sha256(content).hexdigest()
    assert second.content == content


def test_the_same_content_under_another_name_is_not_parsed_again(
    tmp_path: Path, parses: list[int]
) -> None:
    content = _write(tmp_path / "a.ipynb", "1 + 1")
    (tmp_path / "copy.ipynb").write_bytes(content)
    ws = Workspace(str(tmp_path), max_notebook_bytes=10_000_000)

    ws.notebook("a.ipynb")
    assert ws.notebook("copy.ipynb").rel_path == "copy.ipynb"
    assert len(parses) == 1


def test_edited_content_is_checked_again_and_refused_when_broken(
    tmp_path: Path, parses: list[int]
) -> None:
    path = tmp_path / "a.ipynb"
    _write(path, "1 + 1")
    ws = Workspace(str(tmp_path), max_notebook_bytes=10_000_000)
    ws.notebook("a.ipynb")

    _write(path, "2 + 2")
    ws.notebook("a.ipynb")
    assert len(parses) == 2

    path.write_text('{"cells": [', encoding="utf-8")
    with pytest.raises(SageRunError) as refused:
        ws.notebook("a.ipynb")
    assert refused.value.status == 400
    assert [f.path for f in refused.value.fields] == ["path"]
    assert len(parses) == 3


def test_refused_content_is_never_remembered(tmp_path: Path, parses: list[int]) -> None:
    (tmp_path / "bad.ipynb").write_text('{"nbformat": "four"}', encoding="utf-8")
    ws = Workspace(str(tmp_path), max_notebook_bytes=10_000_000)
    for _ in range(2):
        with pytest.raises(SageRunError):
            ws.notebook("bad.ipynb")
    assert len(parses) == 2


def test_the_memory_is_bounded(
    tmp_path: Path, parses: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(workspace_module, "_REMEMBERED_VALID", 2)
    ws = Workspace(str(tmp_path), max_notebook_bytes=10_000_000)
    for name in ("a", "b", "c"):
        _write(tmp_path / f"{name}.ipynb", f"{name} = 1")
        ws.notebook(f"{name}.ipynb")
    assert len(parses) == 3

    ws.notebook("c.ipynb")  # still remembered
    assert len(parses) == 3
    ws.notebook("a.ipynb")  # the oldest, forgotten: checked again
    assert len(parses) == 4


def test_holds_names_only_files_of_this_root(tmp_path: Path) -> None:
    root = tmp_path / "root"
    _write(root / "here.ipynb", "1")
    _write(tmp_path / "outside.ipynb", "1")
    (root / "folder").mkdir()
    ws = Workspace(str(root), max_notebook_bytes=10_000_000)
    assert ws.holds("here.ipynb")
    assert not ws.holds("gone.ipynb")
    assert not ws.holds("folder")
    assert not ws.holds("../outside.ipynb")
    assert not ws.holds("/etc/passwd")
