"""The run workflow, free of tornado and boto3: which domain and project a run goes to,
the notebook's sync to SMUS, its environment, starting and following runs, results.

It reaches AWS only through a gateway handed to it (see ``server/wiring.py``).
"""
