"""The child process that executes one run with papermill.

Started by the scheduler in a session of its own, so that stop and timeout can kill it
and everything it started, in one of two ways:

- cold: ``python -m jupyter_sagerun.local.runner RUN_DIR --workdir=DIR
  --log-level=LEVEL``, the parameters on stdin, never on the command line, where any
  local user could read them with ``ps``;
- warm: ``python -m jupyter_sagerun.local.runner --warm --workdir=DIR
  --log-level=LEVEL``, started before its run is known (warmpool.py): it imports
  papermill and starts a kernel for the default environment (prestart.py), then waits
  for one line on stdin, its run (``{"run_dir", "parameters", "environment"}``), and
  runs it as the cold runner would. It serves one run, then exits; at the end of stdin
  without a run it shuts its kernel down and exits.

The kernel's working directory is DIR, outside the state directory (the scheduler
makes it), so that a notebook does not find the backend's files beside it. It reports
through files in RUN_DIR: ``running`` once the notebook starts executing,
``result.json`` at the end. Its log (stderr, into RUN_DIR/runner.log) is at
``LocalBackend.runner_log_level``.
"""

from __future__ import annotations

import json
import keyword
import logging
import os
import sys
from pathlib import Path
from typing import Any

from ..core.lean_imports import skip_unused_imports
from .prestart import PrestartedKernel
from .private import open_private, touch_private, write_private

#: The longest error message the NotebookRun shape allows.
MAX_ERROR = 1024
LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
#: The default environment's kernel, the one a warm runner starts ahead of its run.
DEFAULT_KERNEL = "python3"

# At DEBUG the kernel client (nbclient, which logs on the logger papermill hands it,
# "papermill") logs every cell's source, the injected parameters cell with the values
# included, and every kernel message's content: code and outputs. Those records are
# dropped at the handler, whichever logger under these names emits them; what the
# notebook printed is in output.ipynb, where it belongs.
_KERNEL_TRAFFIC = ("papermill", "nbclient")


class _DropKernelTraffic(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno > logging.DEBUG:
            return True
        return not any(
            record.name == name or record.name.startswith(name + ".") for name in _KERNEL_TRAFFIC
        )


def configure_logging(level: str) -> None:
    """Everything at ``level`` and above to stderr, but the kernel traffic above."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("[%(levelname)s %(name)s] %(message)s"))
    handler.addFilter(_DropKernelTraffic())
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(level if level in LEVELS else "WARNING")


def decode(value: str) -> Any:
    """A value that is valid JSON reaches the notebook decoded, as SMUS's helper does."""
    try:
        return json.loads(value)
    except ValueError:
        return value


def cell_parameters(parameters: dict[str, str]) -> dict[str, Any]:
    """The parameters that can be variables of the injected cell: names that are Python
    identifiers (not keywords). Every name, these too, also reaches the kernel as
    ``SAGEMAKER_NOTEBOOK_PARAMETER_<name>`` (the scheduler sets it), which is what
    SMUS's ``sagemaker_studio`` helper reads; a name like ``my-param`` only there."""
    return {
        name: decode(value)
        for name, value in parameters.items()
        if name.isidentifier() and not keyword.iskeyword(name)
    }


def kernel_for(notebook: dict[str, Any]) -> tuple[str, str]:
    """(kernel name, language): the notebook's own kernel if installed, else python3."""
    from jupyter_client.kernelspec import KernelSpecManager

    manager = KernelSpecManager()
    wanted = notebook.get("metadata", {}).get("kernelspec", {}).get("name")
    installed = manager.find_kernel_specs()
    name = wanted if isinstance(wanted, str) and wanted in installed else DEFAULT_KERNEL
    # papermill needs the language to write the parameters cell; a notebook written
    # by hand may not say it.
    return name, str(manager.get_kernel_spec(name).language or "python")


def _write_result(run_dir: Path, result: dict[str, Any]) -> None:
    tmp = run_dir / "result.json.tmp"
    write_private(tmp, json.dumps(result))
    tmp.replace(run_dir / "result.json")


def _error_message(exc: BaseException) -> str:
    import papermill.exceptions

    if isinstance(exc, papermill.exceptions.PapermillExecutionError):
        text = f"{exc.ename}: {exc.evalue}"
    else:
        text = f"{type(exc).__name__}: {exc}"
    return text[:MAX_ERROR]


def _option(argv: list[str], name: str, default: str = "") -> str:
    return next((a.split("=", 1)[1] for a in argv if a.startswith(f"--{name}=")), default)


#: The run's environment, held for as long as this process lives (package_envs.py).
_held: list[object] = []


def _with_packages(run_dir: Path, argv: list[str], kernel: tuple[str, str]) -> tuple[str, str]:
    """The kernel to run: the run's own environment's, built if need be (the run is
    STARTING meanwhile), when its configuration names packages."""
    from . import package_envs

    cache = _option(argv, "environments")
    if not cache:
        return kernel
    environment = package_envs.for_run(
        run_dir, Path(cache), int(_option(argv, "max-environments", "8"))
    )
    if environment is None:
        return kernel
    # Its shared lock, kept open, means no eviction removes it under the running kernel.
    _held.append(environment)
    os.environ["JUPYTER_PATH"] = os.pathsep.join(
        p for p in (str(environment.jupyter_path), os.environ.get("JUPYTER_PATH")) if p
    )
    return package_envs.KERNEL_NAME, "python"


def execute(
    run_dir: Path,
    parameters: dict[str, str],
    argv: list[str],
    environment: dict[str, str] | None = None,
    kernel: PrestartedKernel | None = None,
) -> int:
    """Run the notebook in RUN_DIR; ``environment``: variables to add first (a warm
    runner's run), ``kernel``: one started ahead, used when the run's kernel is its."""
    source = run_dir / "input.ipynb"
    output = run_dir / "output.ipynb"
    workdir = _option(argv, "workdir") or str(run_dir)
    manager = None
    try:
        import papermill

        if environment:
            os.environ.update(environment)
        notebook = json.loads(source.read_text(encoding="utf-8"))
        name, language = _with_packages(run_dir, argv, kernel_for(notebook))
        manager = kernel.take(name, environment or {}) if kernel is not None else None
        touch_private(run_dir / "running")
        # The output holds what the cells printed (parameter values, maybe): 0600 from
        # the start, papermill truncates it and keeps the mode. Not a umask of 077:
        # the kernel would inherit it, and files the notebook writes are the user's.
        touch_private(output)
        papermill.execute_notebook(
            str(source),
            str(output),
            parameters=cell_parameters(parameters),
            kernel_name=name,
            language=language,
            progress_bar=False,
            log_output=False,
            cwd=workdir,
            **({"km": manager} if manager is not None else {}),
        )
    except Exception as exc:
        from .package_envs import InstallFailed, failure_message

        if output.exists() and not output.stat().st_size:
            output.unlink()  # only our placeholder: this run has no result
        message = (
            failure_message(exc, MAX_ERROR)
            if isinstance(exc, InstallFailed)
            else _error_message(exc)
        )
        _write_result(run_dir, {"status": "FAILED", "error": message})
        return 1
    finally:
        if kernel is not None:  # a kernel papermill was handed is ours to end
            kernel.shutdown(graceful=manager is not None)
    _write_result(run_dir, {"status": "SUCCEEDED"})
    return 0


def warm(argv: list[str]) -> int:
    """Get ready for a run not yet known, then run it (the module's docstring)."""
    configure_logging(_option(argv, "log-level").upper())
    # What a cold runner pays before its notebook's first cell: these imports and the
    # kernel's start.
    import papermill  # noqa: F401
    from jupyter_client.kernelspec import KernelSpecManager

    from . import package_envs  # noqa: F401

    workdir = Path(_option(argv, "workdir"))
    kernel = None
    if DEFAULT_KERNEL in KernelSpecManager().find_kernel_specs():
        kernel = PrestartedKernel.start(DEFAULT_KERNEL, workdir)
    line = sys.stdin.readline()
    if not line.strip():  # no run came: the pool let this runner go
        if kernel is not None:
            kernel.shutdown()
        return 0
    job = json.loads(line)
    run_dir = Path(job["run_dir"])
    # From here on this is the run's runner: its log is the run's.
    log = open_private(run_dir / "runner.log", append=True)
    os.dup2(log, 1)
    os.dup2(log, 2)
    os.close(log)
    return execute(run_dir, job["parameters"], argv, job["environment"], kernel)


def main(argv: list[str]) -> int:
    # Before papermill's imports, which a warm runner makes ahead and a cold one pays
    # before its first cell (lean_imports.py: seconds of CPU).
    skip_unused_imports()
    if argv and argv[0] == "--warm":
        return warm(argv[1:])
    run_dir = Path(argv[0])
    configure_logging(_option(argv[1:], "log-level").upper())
    parameters: dict[str, str] = json.loads(sys.stdin.read() or "{}")
    return execute(run_dir, parameters, argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
