"""Every route refuses a request without credentials, and asks the authorizer.

The routes are not listed here: they are walked from the running server's own
routing table, so a route added later is covered without touching this file.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from conftest import sagerun_config
from jupyter_server.auth.authorizer import Authorizer
from traitlets.config import Config

from jupyter_sagerun.server.handlers import SageRunHandler

pytestmark = pytest.mark.timeout(60)


class DenySageRun(Authorizer):
    """Lets everything through except our resource."""

    def is_authorized(self, handler: Any, user: Any, action: str, resource: str) -> bool:
        return resource != "sagerun"


@pytest.fixture
def jp_server_config(request: pytest.FixtureRequest, tmp_path: Path, local_backend: Any) -> Config:
    config = sagerun_config(tmp_path, local_backend)
    if request.node.get_closest_marker("deny_sagerun"):
        config.ServerApp.authorizer_class = DenySageRun
    return config


def sagerun_routes(serverapp: Any) -> list[tuple[str, type[SageRunHandler]]]:
    """(concrete path, handler) for every registered SageRun route."""
    routes = []

    def walk(router: Any) -> None:
        # Extensions register through add_handlers: host rules holding routers.
        for rule in getattr(router, "rules", []):
            target = rule.target
            if isinstance(target, type) and issubclass(target, SageRunHandler):
                pattern = rule.matcher.regex.pattern.rstrip("$")
                path = re.sub(r"\(\?P<\w+>[^)]*\)", "abc123", pattern)
                routes.append((path.replace("\\", ""), target))
            else:
                walk(target)

    walk(serverapp.web_app.default_router)
    return routes


def methods(handler: type[SageRunHandler]) -> list[str]:
    return [m for m in ("GET", "POST", "PUT", "PATCH", "DELETE") if m.lower() in vars(handler)]


async def _status(
    client: Any, path: str, method: str, headers: dict[str, str] | None = None
) -> int:
    response = await client.fetch(
        path,
        method=method,
        headers=headers or {},
        body="{}" if method in ("POST", "PUT", "PATCH") else None,
        raise_error=False,
    )
    return int(response.code)


async def test_every_route_without_a_token_is_403(
    jp_serverapp: Any, http_server_client: Any
) -> None:
    routes = sagerun_routes(jp_serverapp)
    # The seven route/method pairs of the runs and the nine of the schedules, found in
    # the live routing table.
    assert sum(len(methods(h)) for _, h in routes) == 16, routes
    for path, handler in routes:
        for method in methods(handler):
            assert await _status(http_server_client, path, method) == 403, (method, path)
            bad = {"Authorization": "token not-the-token"}
            assert await _status(http_server_client, path, method, bad) == 403, (method, path)


async def test_a_token_gets_through(
    jp_serverapp: Any, http_server_client: Any, jp_auth_header: Any, jp_base_url: str
) -> None:
    path = f"{jp_base_url}sagerun/context"
    assert await _status(http_server_client, path, "GET", jp_auth_header) == 200


@pytest.mark.deny_sagerun
async def test_every_route_asks_the_authorizer(
    jp_serverapp: Any, http_server_client: Any, jp_auth_header: Any, jp_base_url: str
) -> None:
    routes = sagerun_routes(jp_serverapp)
    assert routes
    for path, handler in routes:
        for method in methods(handler):
            status = await _status(http_server_client, path, method, jp_auth_header)
            assert status == 403, (method, path)
    # The authorizer refuses only our resource: the server itself still answers.
    status_path = f"{jp_base_url}api/status"
    assert await _status(http_server_client, status_path, "GET", jp_auth_header) == 200


async def test_browser_session_post_without_xsrf_is_403(
    jp_serverapp: Any, http_server_client: Any, jp_base_url: str
) -> None:
    # Log in the way a browser does (the token in the URL once), keep the cookies.
    token = jp_serverapp.identity_provider.token
    login = await http_server_client.fetch(
        f"{jp_base_url}?token={token}", follow_redirects=False, raise_error=False
    )
    cookies = login.headers.get_list("Set-Cookie")
    jar = "; ".join(c.split(";", 1)[0] for c in cookies)
    xsrf = next(c.split(";", 1)[0].split("=", 1)[1] for c in cookies if c.startswith("_xsrf="))
    assert any(c.startswith("username-") for c in cookies), cookies

    session = {"Cookie": jar}
    path = f"{jp_base_url}sagerun/runs"
    assert await _status(http_server_client, f"{jp_base_url}sagerun/context", "GET", session) == 200
    assert await _status(http_server_client, path, "POST", session) == 403
    with_xsrf = {**session, "X-XSRFToken": xsrf}
    # Through XSRF, the request reaches our validation: 400 for the empty body.
    assert await _status(http_server_client, path, "POST", with_xsrf) == 400
