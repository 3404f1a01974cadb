"""The web app behind ``counterpoint serve``: pages, the JSON API, static files, security headers.

``create_app(db_path)`` builds a Starlette app over a store opened read-only;
``serve()`` runs it with uvicorn. Every response carries a Content-Security-Policy
that allows only this app's own script and stylesheet; errors never show a stack
trace (they are logged on the server).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from jinja2 import PackageLoader
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from counterpoint.report.html import template_env
from counterpoint.slant.lean import Leans
from counterpoint.store.readonly import Database, QueryTimeout
from counterpoint.web import api, pages
from counterpoint.web.auth import LoopbackHosts, TokenAuth, check_bind, is_loopback

log = logging.getLogger("counterpoint.web")
STATIC = Path(__file__).parent / "static"
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self';"
    " base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
]


def _wants_json(path: str) -> bool:
    return path.startswith(("/api/", "/openapi.json"))


def error_response(request: Request, status: int, message: str) -> Response:
    """A JSON error for the API, an HTML page for everything else."""
    if _wants_json(request.url.path):
        return JSONResponse({"error": {"status": status, "message": message}}, status_code=status)
    return pages.error_page(request, status, message)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    message = exc.detail if exc.status_code != 404 or exc.detail != "Not Found" else "no such page"
    response = error_response(request, exc.status_code, message)
    if exc.headers:
        response.headers.update(exc.headers)
    return response


async def _timeout(request: Request, exc: Exception) -> Response:
    return error_response(request, 503, "the query took too long; narrow the search and try again")


class Guard:
    """Outermost middleware: security headers on every response; unexpected errors become a bare 500.

    It sits outside Starlette's own error handling so that even a 500 carries the headers.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                names = {k for k, _ in SECURITY_HEADERS}
                headers = [h for h in message.get("headers", []) if h[0].lower() not in names]
                message["headers"] = headers + SECURITY_HEADERS
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            log.exception("error while answering %s", scope.get("path"))
            if started:
                raise
            path = str(scope.get("path", ""))
            body = (
                b'{"error": {"status": 500, "message": "internal error; see the server log"}}'
                if _wants_json(path)
                else b"Internal error; see the server log."
            )
            ctype = b"application/json" if _wants_json(path) else b"text/plain; charset=utf-8"
            await send_with_headers(
                {"type": "http.response.start", "status": 500, "headers": [(b"content-type", ctype)]}
            )
            await send({"type": "http.response.body", "body": body})


def _stylesheet(request: Request) -> Response:
    return Response(request.app.state.css, media_type="text/css", headers={"Cache-Control": "max-age=300"})


def create_app(
    db_path: str,
    *,
    token: str | None = None,
    allowed_hosts: Sequence[str] | None = None,
    leans: Leans | None = None,
) -> Starlette:
    """The app over the store at ``db_path`` (opened read-only).

    ``token``: every request must carry it (see ``auth``). ``allowed_hosts``: answer only
    requests with one of these Host names (``serve`` passes the loopback names when it
    binds to loopback without a token). ``leans``: the user's outlet lean ratings, for each
    story's coverage by lean and blindspot (story pages and ``/api/v1/stories``).
    """
    middleware = [Middleware(Guard)]
    if allowed_hosts is not None:
        middleware.append(Middleware(LoopbackHosts, allowed=allowed_hosts))
    if token:
        middleware.append(Middleware(TokenAuth, token=token))
    app = Starlette(
        routes=[
            *api.ROUTES,
            *pages.ROUTES,
            Route("/static/style.css", _stylesheet),
            Mount("/static", StaticFiles(directory=STATIC), name="static"),
        ],
        middleware=middleware,
        exception_handlers={HTTPException: _http_error, QueryTimeout: _timeout},
    )
    env = template_env(PackageLoader("counterpoint", "web/templates"))
    app.state.db = Database(db_path)
    app.state.leans = leans
    app.state.env = env
    app.state.openapi = api.openapi_document()
    assert env.loader is not None
    base_css = env.loader.get_source(env, "_base.css")[0]
    app.state.css = base_css + "\n" + (STATIC / "app.css").read_text(encoding="utf-8")
    return app


def serve(
    db_path: str,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    token: str | None = None,
    leans: Leans | None = None,
) -> None:
    """Run the app with uvicorn until interrupted."""
    from counterpoint.web.server import make_server  # uvicorn only when serving

    check_bind(host, token)
    hosts = None if token or not is_loopback(host) else ["127.0.0.1", "localhost", "[::1]", "::1"]
    app = create_app(db_path, token=token, allowed_hosts=hosts, leans=leans)
    make_server(app, host=host, port=port).run()
