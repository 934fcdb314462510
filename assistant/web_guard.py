"""Login on every route: an ASGI middleware in front of the app Gradio builds.

Gradio's login guards the page and the queue, but several of its routes answer
anyone (app id, monitoring, run history, upload progress, streams, ...). With a
login configured, this middleware refuses (401) every request without a valid
session, except the login page and form and the static files the login page
needs. Without a login configured it changes nothing.
"""

from __future__ import annotations

import re
from typing import Any

from starlette.requests import HTTPConnection
from starlette.responses import PlainTextResponse

# Reachable before logging in: the login page, its form and log-out, and static assets.
# `/config` is guarded by Gradio itself (401 with the login prompt the page shows);
# `/gradio_api/startup-events` is how `launch()` checks that the server is up.
PUBLIC_PATHS = re.compile(
    r"^/(login/?|logout|svelte/.*|static/.*|assets/.*|favicon\.ico|theme\.css|robots\.txt|pwa_icon.*"
    r"|manifest\.json|config/?|gradio_api/theme\.css|gradio_api/startup-events|)$"
)


def logged_in(app: Any, scope: dict[str, Any]) -> bool:
    """Whether the request carries a session token this Gradio app issued."""
    cookies = HTTPConnection(scope).cookies
    cookie_id = getattr(app, "cookie_id", "")
    token = cookies.get(f"access-token-{cookie_id}") or cookies.get(f"access-token-unsecure-{cookie_id}")
    return token is not None and token in getattr(app, "tokens", {})


class LoginRequired:
    """Refuse requests without a session on every non-public route, when the app has a login."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        gradio_app = scope.get("app")
        if (
            scope["type"] in ("http", "websocket")
            and getattr(gradio_app, "auth", None)
            and not PUBLIC_PATHS.match(scope.get("path", ""))
            and not logged_in(gradio_app, scope)
        ):
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 4401})
                return
            await PlainTextResponse("Niet ingelogd.", status_code=401)(scope, receive, send)
            return
        await self.app(scope, receive, send)
