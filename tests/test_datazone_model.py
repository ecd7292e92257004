"""The shipped DataZone model: what it holds, who reads it, when it is parsed."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import botocore.session
import pytest

from jupyter_sagerun.aws import datazone_model
from jupyter_sagerun.aws.datazone import DataZoneGateway
from jupyter_sagerun.core.credentials import Credentials

# DataZone's notebook operations: botocore 1.43.55 is the first whose own model has all
# thirteen (1.43.54 lacks StartNotebookSync; 1.37.3, SageMaker Distribution 3.9.10's,
# has none).
NOTEBOOK_OPERATIONS = {
    "CreateNotebook",
    "DeleteNotebook",
    "GetNotebook",
    "GetNotebookExport",
    "GetNotebookRun",
    "ListNotebookRuns",
    "ListNotebooks",
    "StartNotebookExport",
    "StartNotebookImport",
    "StartNotebookRun",
    "StartNotebookSync",
    "StopNotebookRun",
    "UpdateNotebook",
}


def test_the_shipped_model_has_every_notebook_operation() -> None:
    model = datazone_model.service_model()
    assert set(model.operation_names) >= NOTEBOOK_OPERATIONS
    # ... and it is read from our package data, not from botocore's directory.
    _, where = datazone_model.loader().load_data_with_path("datazone/2018-05-10/service-2")
    assert Path(where).resolve().is_relative_to(datazone_model.DATA_PATH)
    assert (datazone_model.DATA_PATH / "botocore-LICENSE.txt").exists()
    assert (datazone_model.DATA_PATH / "botocore-NOTICE").exists()


def test_one_loader_and_one_model_per_process() -> None:
    assert datazone_model.loader() is datazone_model.loader()
    assert datazone_model.service_model() is datazone_model.service_model()
    gateway = DataZoneGateway()
    # A local backend's key pair, and the user's own chain.
    for credentials in (Credentials.fresh(), None):
        session = gateway._session(None, credentials)
        assert session.get_component("data_loader") is datazone_model.loader()


def test_other_sessions_keep_botocores_own_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ours is registered on our sessions only: an ordinary session of the process
    still reads botocore's data (or AWS_DATA_PATH), and we set no AWS_DATA_PATH."""
    monkeypatch.delenv("AWS_DATA_PATH", raising=False)
    datazone_model.service_model()
    assert "AWS_DATA_PATH" not in os.environ
    plain = botocore.session.Session().get_component("data_loader")
    assert plain is not datazone_model.loader()
    _, where = plain.load_data_with_path("datazone/2018-05-10/service-2")
    assert not Path(where).resolve().is_relative_to(datazone_model.DATA_PATH)


def test_the_model_is_not_parsed_at_server_start(
    monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    """Start-up time and memory are measured: the model waits for its first use."""
    monkeypatch.setattr(datazone_model, "_loader", None)
    monkeypatch.setattr(datazone_model, "_service_models", {})
    app: Any = request.getfixturevalue("jp_serverapp")
    assert "jupyter_sagerun" in app.extension_manager.extensions
    assert datazone_model._loader is None
    assert datazone_model._service_models == {}
