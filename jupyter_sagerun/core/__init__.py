"""The few facts and helpers every layer may use: the error vocabulary, ids and key pairs,
where a call goes, the run's JSON, a result's place in S3, the "ask again" loop.

Imports nothing of jupyter_sagerun outside this folder, and no tornado, botocore or pydantic.
"""
