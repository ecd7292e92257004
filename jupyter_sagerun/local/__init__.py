"""The local DataZone backend: DataZone's notebook API on this machine."""

from .backend import LocalBackend

__all__ = ["LocalBackend"]
