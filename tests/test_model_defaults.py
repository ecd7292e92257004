"""The defaults written once in Python are the ones DataZone's model documents."""

from __future__ import annotations

import pytest

from jupyter_sagerun.aws import validation
from jupyter_sagerun.core import model_defaults


def test_run_timeout_default_is_the_models_documented_default() -> None:
    shape = (
        validation.operation_model("StartNotebookRun")
        .input_shape.members["timeoutConfiguration"]
        .members["runTimeoutInMinutes"]
    )
    documented = model_defaults.documented_default_minutes(shape.documentation)
    assert documented == model_defaults.DEFAULT_RUN_TIMEOUT_MINUTES
    # And it is a value the model accepts.
    assert shape.metadata["min"] <= documented <= shape.metadata["max"]


def test_documentation_without_a_default_is_an_error() -> None:
    with pytest.raises(ValueError):
        model_defaults.documented_default_minutes("<p>The timeout, in minutes.</p>")
    assert model_defaults.documented_default_minutes("the default timeout is 90 minutes") == 90
