"""Can the botocore of this interpreter build and use a DataZone client (and an
EventBridge Scheduler one) from our models?

Run by scripts/check_botocore_floor.py in a virtual environment holding nothing but one
botocore release: it loads ``jupyter_sagerun/aws/botocore_data`` through a Loader of its own
(as ``jupyter_sagerun.aws.datazone_model`` does), then calls three notebook operations
against a stub DataZone on loopback (serialization, paths, timestamps, pagination) and
resolves the real endpoint of a region with no endpoint_url (the model's endpoint rule
set). Prints one line, ``OK`` or the step that failed; exits 0 or 1.

Usage: python botocore_probe.py DATA_DIR
"""

from __future__ import annotations

import contextlib
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import botocore
import botocore.session
from botocore.loaders import Loader

RUN = {"domainId": "dzd_x", "notebookId": "nb1", "owningProjectId": "p1"}


class StubDataZone(BaseHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass

    def _reply(self) -> None:
        self.rfile.read(int(self.headers.get("content-length") or 0))
        if self.path.endswith("/notebook-runs/r1"):
            out: dict[str, Any] = {**RUN, "id": "r1", "status": "SUCCEEDED", "createdAt": 1.7e9}
        elif self.command == "GET":
            out = {"items": [{**RUN, "id": "r1", "status": "RUNNING"}]}
        else:
            out = {**RUN, "id": "r2", "status": "QUEUED"}
        data = json.dumps(out).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = _reply


class Sent(Exception):
    """Raised before a request leaves: its URL is all the endpoint check needs."""


def probe(data_dir: str) -> str:
    server = HTTPServer(("127.0.0.1", 0), StubDataZone)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    session = botocore.session.Session()
    loader = Loader(
        extra_search_paths=[data_dir, Loader.BUILTIN_DATA_PATH], include_default_search_paths=False
    )
    session.register_component("data_loader", loader)
    keys = {"aws_access_key_id": "a", "aws_secret_access_key": "b", "region_name": "us-east-1"}
    step = "create_client"
    try:
        url = f"http://127.0.0.1:{server.server_port}"
        client = session.create_client("datazone", endpoint_url=url, **keys)
        step = "GetNotebookRun"
        run = client.get_notebook_run(domainIdentifier="dzd_x", identifier="r1")
        assert run["status"] == "SUCCEEDED" and run["createdAt"].year == 2023, run
        step = "StartNotebookRun"
        started = client.start_notebook_run(
            domainIdentifier="dzd_x",
            owningProjectIdentifier="p1",
            notebookIdentifier="nb1",
            parameters={"alpha": "1"},
            clientToken="t" * 40,
        )
        assert started["id"] == "r2", started
        step = "ListNotebookRuns paginator"
        pages = client.get_paginator("list_notebook_runs").paginate(
            domainIdentifier="dzd_x", owningProjectIdentifier="p1"
        )
        assert [i["id"] for page in pages for i in page["items"]] == ["r1"]
        step = "the endpoint of us-east-1 (endpoint rule set)"
        real = session.create_client("datazone", **keys)
        urls: list[str] = []

        def capture(request: Any, **_: Any) -> None:
            urls.append(request.url)
            raise Sent()

        real.meta.events.register("before-send.datazone", capture)
        with contextlib.suppress(Sent):
            real.get_notebook_run(domainIdentifier="dzd_x", identifier="r1")
        assert urls and urls[0].startswith("https://datazone.us-east-1.api.aws/"), urls
        step = "the Scheduler endpoint of us-east-1 (the shipped scheduler model)"
        scheduler = session.create_client("scheduler", **keys)
        scheduler.meta.events.register("before-send.scheduler", capture)
        with contextlib.suppress(Sent):
            scheduler.get_schedule(Name="n", GroupName="g")
        assert urls[-1].startswith("https://scheduler.us-east-1.amazonaws.com/schedules/n"), urls
    except Exception as exc:
        return f"FAILS at {step}: {type(exc).__name__}: {str(exc)[:200]}"
    finally:
        server.shutdown()
    return "OK"


if __name__ == "__main__":
    verdict = probe(sys.argv[1])
    print(f"botocore {botocore.__version__}: {verdict}")
    sys.exit(0 if verdict == "OK" else 1)
