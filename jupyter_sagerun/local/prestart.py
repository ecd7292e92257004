"""A kernel started before its run is known, by a warm runner (warmstart.py).

The kernel is a fresh process that no run has used: it starts in the working
directory its run will have (the warm runner's), with the runner's environment, which
is the run's but for the parameters' ``SAGEMAKER_NOTEBOOK_PARAMETER_*`` variables.
Those are set in the kernel's ``os.environ`` when the run arrives, by one silent
request that records no history (execution counts start at 1 as in a cold kernel) and
binds no name in the notebook's namespace. A run whose notebook wants another kernel,
or packages, never gets it: the warm runner shuts it down and starts the run's own.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

#: How long the kernel may take to answer (its start-up, or the environment request).
READY_TIMEOUT = 60.0


def _environment_code(environment: dict[str, str]) -> str:
    # No import statement: `os` and `json` must not become names of the notebook.
    literal = repr(json.dumps(environment))
    return f"__import__('os').environ.update(__import__('json').loads({literal}))"


class PrestartedKernel:
    """A started, ready kernel of ``name``, and the manager that owns it."""

    def __init__(self, name: str, manager: Any) -> None:
        self.name = name
        self.manager = manager

    @classmethod
    def start(cls, name: str, cwd: Path) -> PrestartedKernel | None:
        """The kernel, answering; None (and nothing left running) if it cannot start."""
        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.utils import run_sync

        manager = AsyncKernelManager(kernel_name=name)

        async def started() -> None:
            await manager.start_kernel(cwd=str(cwd))
            client = manager.client()
            client.start_channels()
            try:
                await client.wait_for_ready(timeout=READY_TIMEOUT)
            finally:
                client.stop_channels()

        kernel = cls(name, manager)
        try:
            run_sync(started)()
        except Exception as exc:
            log.warning("A kernel could not be started ahead of its run: %s", exc)
            kernel.shutdown()
            return None
        return kernel

    def take(self, name: str, environment: dict[str, str]) -> Any | None:
        """The kernel's manager, for a run on kernel ``name`` with the environment
        variables ``environment``; None, the kernel shut down, when it does not fit or
        no longer answers (the run then starts a kernel of its own)."""
        from jupyter_core.utils import run_sync

        if name != self.name or not self.manager.has_kernel:
            self.shutdown()
            return None

        async def given() -> bool:
            if not await self.manager.is_alive():
                return False
            client = self.manager.client()
            client.start_channels()
            try:
                msg_id = client.execute(
                    _environment_code(environment), silent=True, store_history=False
                )
                while True:
                    reply = await client.get_shell_msg(timeout=READY_TIMEOUT)
                    if reply["parent_header"].get("msg_id") == msg_id:
                        return bool(reply["content"].get("status") == "ok")
            finally:
                client.stop_channels()

        try:
            ready = run_sync(given)()
        except Exception as exc:
            log.warning("The kernel started ahead of its run did not answer: %s", exc)
            ready = False
        if not ready:
            self.shutdown()
            return None
        return self.manager

    def shutdown(self, *, graceful: bool = False) -> None:
        """End the kernel: ``graceful`` after a run, as papermill ends a kernel of its
        own (the kernel's exit handlers run), at once when no run used it."""
        from jupyter_core.utils import run_sync

        try:
            if self.manager.has_kernel:
                run_sync(self.manager.shutdown_kernel)(now=not graceful)
        except Exception as exc:  # it is going anyway: the run's tree is killed after
            log.debug("Shutting down a kernel started ahead of its run: %s", exc)
