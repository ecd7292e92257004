"""The local backend's own domain and project: the ids it serves under, and the ones a
client of it names when nothing else says which (the backend's defaults, the context's
local endpoints). One home, so the backend and its clients cannot drift apart."""

from __future__ import annotations

#: The DataZone domain the local backend answers for by default.
LOCAL_DOMAIN_ID = "dzd_local"
#: The project runs go to on the local backend when none is named.
LOCAL_PROJECT_ID = "local"
