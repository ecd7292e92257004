"""One backend per state directory: the lock, backend.json, and finding the owner."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from jupyter_sagerun.local import LocalBackend
from jupyter_sagerun.local.discovery import (
    INFO_FILE,
    BackendAlreadyRunning,
    RunningBackend,
    find_running_backend,
    lock_is_held,
    read_info,
    write_info,
)

from .localkit import Local


def test_a_started_backend_publishes_where_it_listens(
    make_local: Callable[..., Local], tmp_path: Path
) -> None:
    local = make_local()
    state = Path(local.backend.state_dir)
    published = json.loads((state / INFO_FILE).read_text())
    assert set(published) == {
        "pid",
        "endpoint_url",
        "s3_endpoint_url",
        "staging_s3_uri",
        "region",
        "access_key_id",
        "secret_access_key",
        "scheduler_endpoint_url",
    }
    assert published["access_key_id"] == local.backend.credentials.access_key_id
    assert published["secret_access_key"] == local.backend.credentials.secret_access_key
    assert published["pid"] == os.getpid()
    assert published["endpoint_url"] == local.endpoint_url
    found = find_running_backend(state)
    assert found == RunningBackend(**published)


def test_a_second_start_on_a_locked_state_dir_raises(
    make_local: Callable[..., Local], tmp_path: Path
) -> None:
    first = make_local()
    second = LocalBackend(state_dir=first.backend.state_dir, seconds_per_minute=0.05)
    with pytest.raises(BackendAlreadyRunning) as raised:
        second.start()
    assert raised.value.info is not None
    assert raised.value.info.endpoint_url == first.endpoint_url
    assert first.endpoint_url in str(raised.value)
    # The refused one touched nothing: the first still answers and still owns the dir.
    assert find_running_backend(first.backend.state_dir) == raised.value.info
    second.stop()  # a no-op, and must not remove the owner's backend.json
    assert read_info(first.backend.state_dir) == raised.value.info


def test_stop_releases_the_state_dir_for_a_successor(tmp_path: Path) -> None:
    state = tmp_path / "state"
    first = LocalBackend(state_dir=str(state), seconds_per_minute=0.05)
    first.start()
    assert lock_is_held(state)
    first.stop()
    assert not lock_is_held(state)
    assert not (state / INFO_FILE).exists()
    assert find_running_backend(state) is None
    successor = LocalBackend(state_dir=str(state), seconds_per_minute=0.05)
    successor.start()
    try:
        assert find_running_backend(state) == successor.running_info()
    finally:
        successor.stop()


def test_a_leftover_backend_json_without_the_lock_is_not_a_backend(tmp_path: Path) -> None:
    # What a `kill -9` leaves: the file, but the kernel dropped the lock.
    tmp_path.mkdir(exist_ok=True)
    write_info(
        tmp_path,
        RunningBackend(1, "http://127.0.0.1:9", "http://127.0.0.1:9", "s3://b/", "r", "AKIA", "s"),
    )
    assert not lock_is_held(tmp_path)
    assert find_running_backend(tmp_path) is None


def test_a_held_lock_whose_endpoint_does_not_answer_is_not_found(tmp_path: Path) -> None:
    from jupyter_sagerun.local.discovery import StateLock

    lock = StateLock.try_acquire(tmp_path)
    assert lock is not None
    try:
        write_info(
            tmp_path, RunningBackend(1, "http://127.0.0.1:9", "", "s3://b/", "r", "AKIA", "s")
        )
        assert lock_is_held(tmp_path)
        assert find_running_backend(tmp_path, timeout=0.5) is None
    finally:
        lock.release()
