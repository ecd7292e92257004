"""The benchmarks (``python benchmarks/<name>.py``); what they share with the tests is
in ``testkit``."""
