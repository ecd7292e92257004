"""The test knobs: every modeled error, throttling against botocore's retries,
delays, and an answer lost after the run was committed."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import (
    ClientError,
    ConnectionClosedError,
    EndpointConnectionError,
    ReadTimeoutError,
)

from testkit.local import DOMAIN, PROJECT, Local
from testkit.notebooks import notebook_bytes

ERRORS = [
    ("ValidationException", 400),
    ("UnauthorizedException", 401),
    ("ServiceQuotaExceededException", 402),
    ("AccessDeniedException", 403),
    ("ResourceNotFoundException", 404),
    ("ConflictException", 409),
    ("ThrottlingException", 429),
    ("InternalServerException", 500),
]


def control(local: Local, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    return local.control(method, path, body)


def counts(local: Local) -> dict[str, int]:
    status, body = control(local, "GET", "/_local/requests")
    assert status == 200
    result: dict[str, int] = body["counts"]
    return result


def run_count(local: Local) -> int:
    return len(
        local.dz.list_notebook_runs(domainIdentifier=DOMAIN, owningProjectIdentifier=PROJECT)[
            "items"
        ]
    )


def test_each_modeled_error_reaches_botocore(paused: Local) -> None:
    once = paused.client(retries={"total_max_attempts": 1, "mode": "standard"})
    for code, status in ERRORS:
        assert (
            control(
                paused, "POST", "/_local/faults", {"operation": "GetNotebookRun", "error": code}
            )[0]
            == 200
        )
        with pytest.raises(ClientError) as info:
            once.get_notebook_run(domainIdentifier=DOMAIN, identifier="anything")
        error = info.value.response
        assert error["Error"]["Code"] == code
        assert error["ResponseMetadata"]["HTTPStatusCode"] == status
        assert error["ResponseMetadata"]["RequestId"]
    # The faults are spent: the next answer is the real one.
    with pytest.raises(ClientError) as info:
        once.get_notebook_run(domainIdentifier=DOMAIN, identifier="anything")
    assert info.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_a_fault_for_any_operation_and_clearing(paused: Local) -> None:
    control(
        paused,
        "POST",
        "/_local/faults",
        {"operation": None, "error": "AccessDeniedException", "count": 5},
    )
    with pytest.raises(ClientError) as info:
        paused.dz.list_notebooks(domainIdentifier=DOMAIN, owningProjectIdentifier=PROJECT)
    assert info.value.response["Error"]["Code"] == "AccessDeniedException"
    assert control(paused, "GET", "/_local/faults")[1] == {"pending": 4}
    assert control(paused, "DELETE", "/_local/faults")[0] == 200
    paused.dz.list_notebooks(domainIdentifier=DOMAIN, owningProjectIdentifier=PROJECT)
    status, body = control(paused, "POST", "/_local/faults", {"error": "NoSuchError"})
    assert status == 400 and "error must be one of" in body["message"]


def test_short_throttling_is_retried_into_one_run(paused: Local) -> None:
    notebook_id = paused.import_notebook(notebook_bytes("1"))
    client = paused.client(retries={"total_max_attempts": 3, "mode": "standard"})
    control(
        paused,
        "POST",
        "/_local/faults",
        {"operation": "StartNotebookRun", "error": "ThrottlingException", "count": 2},
    )
    before = counts(paused).get("StartNotebookRun", 0)
    run = client.start_notebook_run(
        domainIdentifier=DOMAIN, owningProjectIdentifier=PROJECT, notebookIdentifier=notebook_id
    )
    assert run["ResponseMetadata"]["RetryAttempts"] == 2
    assert counts(paused)["StartNotebookRun"] - before == 3
    assert run_count(paused) == 1


def test_long_throttling_starts_nothing(paused: Local) -> None:
    notebook_id = paused.import_notebook(notebook_bytes("1"))
    client = paused.client(retries={"total_max_attempts": 3, "mode": "standard"})
    control(
        paused,
        "POST",
        "/_local/faults",
        {"operation": "StartNotebookRun", "error": "ThrottlingException", "count": 10},
    )
    with pytest.raises(ClientError) as info:
        client.start_notebook_run(
            domainIdentifier=DOMAIN, owningProjectIdentifier=PROJECT, notebookIdentifier=notebook_id
        )
    assert info.value.response["Error"]["Code"] == "ThrottlingException"
    assert run_count(paused) == 0


def test_a_delay_delays_the_answer(paused: Local) -> None:
    control(paused, "POST", "/_local/faults", {"operation": "ListNotebookRuns", "delaySeconds": 3})
    # A client that waits less than the delay gives up: the answer was held that long.
    impatient = paused.client(read_timeout=1, retries={"total_max_attempts": 1, "mode": "standard"})
    with pytest.raises(ReadTimeoutError):
        impatient.list_notebook_runs(domainIdentifier=DOMAIN, owningProjectIdentifier=PROJECT)
    # The delay was spent on that request: none is queued for the next, which is answered.
    assert control(paused, "GET", "/_local/faults")[1] == {"pending": 0}
    before = counts(paused)["ListNotebookRuns"]
    run_count(paused)
    assert counts(paused)["ListNotebookRuns"] == before + 1


def test_an_answer_dropped_after_commit_then_the_same_token(paused: Local) -> None:
    notebook_id = paused.import_notebook(notebook_bytes("1"))
    once = paused.client(retries={"total_max_attempts": 1, "mode": "standard"})
    control(
        paused, "POST", "/_local/faults", {"operation": "StartNotebookRun", "dropAfterCommit": True}
    )
    arguments = {
        "domainIdentifier": DOMAIN,
        "owningProjectIdentifier": PROJECT,
        "notebookIdentifier": notebook_id,
        "clientToken": "dropped-once",
    }
    with pytest.raises((ConnectionClosedError, EndpointConnectionError)):
        once.start_notebook_run(**arguments)
    assert run_count(paused) == 1
    again = once.start_notebook_run(**arguments)
    runs = paused.dz.list_notebook_runs(domainIdentifier=DOMAIN, owningProjectIdentifier=PROJECT)
    assert [item["id"] for item in runs["items"]] == [again["id"]]
