"""Tests of the local DataZone backend.

A package, so that its conftest is not imported as a top-level ``conftest`` module
and cannot shadow the one in tests/.
"""
