"""Keep botocore's wire-level DEBUG records out of every log.

No botocore import here: the local backend's own S3 client installs the same filter.
"""

from __future__ import annotations

import logging
import threading

# botocore's DEBUG logs carry the request dict (body included), the canonical request
# (with the session token header), response bodies and the hook arguments. Parameter
# values are secrets and so are tokens, so those records are dropped before any
# handler sees them, however the host application configures logging. A filter on the
# emitting logger runs before propagation, so the root handlers never get the record.
_WIRE_LOGGERS = (
    "botocore.endpoint",
    "botocore.parsers",
    "botocore.auth",
    "botocore.hooks",
    "botocore.retryhandler",
    "botocore.retries.standard",
    "botocore.httpsession",
    "botocore.httpchecksum",
    "botocore.utils",
)


class _DropWireDebug(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno > logging.DEBUG


_WIRE_FILTER = _DropWireDebug("jupyter_sagerun.wire")
_filter_lock = threading.Lock()


def install_log_filter() -> None:
    """Idempotent: attaches the one filter instance once per logger."""
    with _filter_lock:
        for name in _WIRE_LOGGERS:
            logger = logging.getLogger(name)
            if _WIRE_FILTER not in logger.filters:
                logger.addFilter(_WIRE_FILTER)
