"""What the tests and the benchmarks share: a real Jupyter server in a process of its
own (``server``), the child-process and local-backend handling under it
(``processes``), its clients (``clients``) and the statistics printed about them
(``stats``). Not shipped (the wheel holds ``jupyter_sagerun`` only), not a benchmark:
importable from a checkout, under pytest (``pythonpath = ["."]``) and from
``python benchmarks/<name>.py`` (``benchmarks/_checkout.py`` puts the checkout on the
path)."""
