"""The only users of botocore and boto3 on the client side: the shipped DataZone model,
the validator whose limits come from it, the gateway that calls AWS (or the local backend,
which speaks the same API), and the table that turns AWS errors into our vocabulary.
"""
