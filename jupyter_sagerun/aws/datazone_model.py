"""The one DataZone service model of the process: the one jupyter_sagerun ships.

``botocore_data/`` holds DataZone's model files copied from a pinned botocore
(``scripts/refresh_model.py``), so validation, the aws client and the local backend read
the same API on every supported botocore, including 1.37.3, whose own DataZone model
has no notebook operation. One botocore ``Loader`` reads them, created and parsed once,
at first use (never at server start), and registered only on sessions we create:
``AWS_DATA_PATH`` (which sagemaker-studio sets process-wide to a DataZone model of its
own) is not consulted, and nobody else's sessions see our model.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from botocore.loaders import Loader
from botocore.model import ServiceModel

SERVICE_NAME = "datazone"
DATA_PATH = Path(__file__).resolve().parent / "botocore_data"

_lock = threading.Lock()
_loader: Loader | None = None
#: Service name -> its parsed model, each parsed once, at first use.
_service_models: dict[str, ServiceModel] = {}


def loader() -> Loader:
    """Our data first (DataZone), then botocore's own (endpoints, partitions, S3, ...);
    no user or ``AWS_DATA_PATH`` directories. The Loader caches what it parses, so one
    instance means each file is parsed once per process."""
    global _loader
    with _lock:
        if _loader is None:
            _loader = Loader(
                extra_search_paths=[str(DATA_PATH), Loader.BUILTIN_DATA_PATH],
                include_default_search_paths=False,
            )
        return _loader


def use_shipped_model(session: Any) -> None:
    """Make a botocore session of ours build its clients from the shipped model."""
    session.register_component("data_loader", loader())


def shipped_service_model(name: str) -> ServiceModel:
    """The shipped model of the service ``name`` (DataZone's, EventBridge Scheduler's)."""
    shipped = loader()
    with _lock:
        model = _service_models.get(name)
        if model is None:
            data = shipped.load_service_model(name, "service-2")
            model = _service_models[name] = ServiceModel(data, service_name=name)
        return model


def service_model() -> ServiceModel:
    return shipped_service_model(SERVICE_NAME)


def shipped_botocore_version() -> str:
    """The botocore release the shipped model was copied from."""
    return (DATA_PATH / "BOTOCORE_VERSION").read_text().strip()
