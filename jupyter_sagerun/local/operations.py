"""Every DataZone operation the local backend implements, and the module it lives in.

Each resource module holds its handlers, plain functions ``handler(state, params) ->
record`` (``state.BackendState``: the store, S3, scheduler and workers, passed
explicitly), and a table ``OPERATIONS`` of operation name -> handler. ``DATAZONE``
below composes those tables: it is THE list of operations, the server's routes are
read from it (``protocol.OPERATIONS``), and the server looks each request's operation
up in it. Adding a resource is one line here, beside a module of the same shape.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping

from . import environments, exports, notebooks, runs, schedule_operations
from .state import BackendState, Handler, Params, Table
from .store import Record

#: An operation bound to a backend's state: what the server calls.
Operation = Callable[[Params], Record]


def compose(*tables: Table) -> Table:
    """One table of the resource modules' tables; an operation named twice is a
    mistake found at import, not a handler silently replaced."""
    table: dict[str, Handler] = {}
    for part in tables:
        for name, handler in part.items():
            if name in table:
                raise ValueError(f"{name} is registered twice")
            table[name] = handler
    return table


#: DataZone's notebook operations, by resource module.
DATAZONE: Table = compose(
    notebooks.OPERATIONS,  # CreateNotebook ... DeleteNotebook, StartNotebookImport/Sync
    runs.OPERATIONS,  # StartNotebookRun, GetNotebookRun, ListNotebookRuns, StopNotebookRun
    exports.OPERATIONS,  # StartNotebookExport, GetNotebookExport
    environments.OPERATIONS,  # ListEnvironmentBlueprints, ListEnvironments, GetEnvironment
)


#: EventBridge Scheduler's operations: served on their own port, read from their own
#: model, on their own state (``schedule_operations.ScheduleState``), so not composed above.
SCHEDULER = schedule_operations.OPERATIONS


def bind(table: Table, state: BackendState) -> Mapping[str, Operation]:
    """``table``'s handlers, each given ``state``: what a server dispatches to."""
    return {name: functools.partial(handler, state) for name, handler in table.items()}


def resume(state: BackendState) -> None:
    """Finish the imports, syncs and exports an earlier backend left in progress."""
    notebooks.resume(state)
    exports.resume(state)
