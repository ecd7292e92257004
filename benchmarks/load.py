"""Bounded load on loopback: many concurrent run starts by path, with distinct and with
repeated clientTokens.

``-n`` (200) ``POST sagerun/runs {"path", "clientToken", "projectId"}`` go out at once
(one thread and keep-alive connection each, connected beforehand and released together
by a barrier), in two bursts, each against a project of its own:

  distinct   every request has a clientToken of its own: as many runs as requests;
  repeated   only ``--tokens`` (20) distinct clientTokens among them: that many runs,
             since a retried submission, however concurrent, starts its run once.

The notebook is new to each project, so each burst also races its first import. The
backend keeps every run QUEUED (max_concurrent_runs=0): this measures the REST → sync →
StartNotebookRun path, not papermill. Runs are counted twice: what ``GET sagerun/runs``
lists, and what the backend itself holds (ListNotebookRuns straight to it over boto3).
``tests/test_rest_load.py`` is the same scenario, as a test.
Targets (issue "Hardening"): exactly n runs for n distinct tokens, exactly ``--tokens``
runs for that many, no 5xx. Latency and throughput are reported, not judged.
"""

from __future__ import annotations

import sys
import uuid
from dataclasses import dataclass

import _checkout  # noqa: F401  (the checkout on sys.path, for testkit)
from _cli import benchmark_parser

from testkit.clients import Burst, backend_run_ids, concurrent_posts, rest_run_ids, write_notebook
from testkit.server import Server, jupyter_server
from testkit.stats import format_summary, machine_line, summary_ms, verdict

NOTEBOOK = "load.ipynb"


@dataclass
class Case:
    label: str
    requests: int
    tokens: int
    burst: Burst
    run_ids: set[str]  # the ids the 201 answers carried
    listed: list[str]  # what GET sagerun/runs lists for the project
    held: list[str]  # what the backend holds for the project

    @property
    def statuses(self) -> list[int]:
        return [answer.status for answer in self.burst.answers]

    def exact(self) -> bool:
        """Exactly ``tokens`` runs, seen alike by the answers, REST and the backend."""
        return (
            all(status == 201 for status in self.statuses)
            and len(self.run_ids) == self.tokens
            and len(self.listed) == len(set(self.listed)) == self.tokens
            and set(self.listed) == set(self.held) == self.run_ids
            and len(self.held) == self.tokens
        )


def run_case(server: Server, label: str, requests: int, tokens: int, timeout: float) -> Case:
    project = f"load-{label}"
    stem = uuid.uuid4().hex[:8]
    bodies = [
        {"path": NOTEBOOK, "clientToken": f"{stem}-{i % tokens}", "projectId": project}
        for i in range(requests)
    ]
    burst = concurrent_posts(server, "sagerun/runs", bodies, timeout=timeout)
    run_ids = {
        str(answer.body["id"])
        for answer in burst.answers
        if answer.status == 201 and isinstance(answer.body, dict)
    }
    return Case(
        label,
        requests,
        tokens,
        burst,
        run_ids,
        rest_run_ids(server, projectId=project),
        backend_run_ids(server, project),
    )


def report(case: Case) -> None:
    others = sorted(s for s in case.statuses if s != 201)
    print(
        f"{case.label}: {case.requests} concurrent POST sagerun/runs with {case.tokens} "
        f"clientTokens: {case.statuses.count(201)} x 201 (others: {others or 'none'}); "
        f"{len(case.run_ids)} distinct run ids; GET sagerun/runs lists {len(case.listed)}, "
        f"the backend holds {len(case.held)}"
    )
    latencies = [answer.seconds for answer in case.burst.answers]
    print(format_summary(f"POST sagerun/runs, {case.label}", summary_ms(latencies)))
    wall = case.burst.wall
    print(
        f"throughput: {case.requests} requests in {wall:.2f} s = "
        f"{case.requests / wall:.1f} requests/s, {len(case.run_ids) / wall:.1f} runs/s"
    )


def main(argv: list[str] | None = None) -> int:
    parser = benchmark_parser(__doc__)
    parser.add_argument("-n", "--requests", type=int, default=200, help="POSTs in each burst")
    parser.add_argument(
        "-t", "--tokens", type=int, default=20, help="distinct clientTokens, repeated burst"
    )
    parser.add_argument("--timeout", type=float, default=120.0, help="per request, seconds")
    args = parser.parse_args(argv)
    if not 0 < args.tokens <= args.requests:
        parser.error("--tokens must be between 1 and --requests")

    print(f"machine: {machine_line()}")
    with jupyter_server(backend=args.backend, max_concurrent_runs=0) as server:
        ctx = server.context()
        write_notebook(server.root / NOTEBOOK)
        print(
            f"server {server.base_url}  {args.backend} local backend {ctx['endpointUrl']}  "
            f"domain {ctx['domainId']}, notebook {NOTEBOOK} by path"
        )
        cases = [
            run_case(server, "distinct", args.requests, args.requests, args.timeout),
            run_case(server, "repeated", args.requests, args.tokens, args.timeout),
        ]

    for case in cases:
        report(case)
    print(f"machine after: {machine_line()}")
    distinct, repeated = cases
    errors = sum(1 for case in cases for s in case.statuses if s >= 500 or s < 0)
    print(
        f"target exactly {args.requests} runs for {args.requests} distinct clientTokens: "
        f"{verdict(distinct.exact())}"
    )
    print(
        f"target exactly {args.tokens} runs for {args.tokens} clientTokens: "
        f"{verdict(repeated.exact())}"
    )
    print(f"target no 5xx (nor unanswered): {verdict(errors == 0)} ({errors})")
    # A missed target is a failing exit, so that run_all.py reports it as missed.
    return 0 if distinct.exact() and repeated.exact() and errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
