"""The Jupyter side: the extension app and its traits, the REST handlers, the composition
of the run service, and finding (or starting) the local backend.
"""
