"""The benchmarks (``python benchmarks/<name>.py``). A package only so that tests can
import the helper modules too (``from benchmarks._server import jupyter_server``)."""
