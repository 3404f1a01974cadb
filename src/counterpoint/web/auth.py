"""Access control for ``serve``: loopback by default, a bearer token for anything else.

* Bound to a loopback address without a token, the app answers only requests whose
  ``Host`` is a loopback name, so a web page elsewhere cannot read it through DNS rebinding.
* With a token (``--token`` or ``COUNTERPOINT_TOKEN``), every request must carry it:
  ``Authorization: Bearer TOKEN``, or the ``counterpoint_token`` cookie, which a browser
  gets by opening any page once with ``?token=TOKEN`` (it is then redirected to the same
  URL without the token, so the token does not stay in the address bar or history).
"""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Sequence

from starlette.datastructures import URL
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from counterpoint.errors import ConfigError

COOKIE = "counterpoint_token"
TOKEN_ENV = "COUNTERPOINT_TOKEN"
MIN_TOKEN_CHARS = 16
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1", "[::1]")


def is_loopback(host: str) -> bool:
    """Whether binding to ``host`` keeps the app on this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_bind(host: str, token: str | None) -> None:
    """Refuse to expose the app beyond this machine without a (long enough) token."""
    if token is not None and len(token.strip()) < MIN_TOKEN_CHARS:
        raise ConfigError(f"the token must be at least {MIN_TOKEN_CHARS} characters long, spaces aside")
    if not is_loopback(host) and not token:
        raise ConfigError(
            f"binding to {host} makes the app reachable from other machines; give --token "
            f"(or set {TOKEN_ENV}) so every request must carry it, or bind to 127.0.0.1"
        )


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


def _deny(scope: Scope, status: int, message: str) -> Response:
    if str(scope.get("path", "")).startswith(("/api/", "/openapi.json")):
        resp: Response = JSONResponse({"error": {"status": status, "message": message}}, status_code=status)
    else:
        resp = PlainTextResponse(message, status_code=status)
    if status == 401:
        resp.headers["WWW-Authenticate"] = 'Bearer realm="counterpoint"'
    return resp


class TokenAuth:
    """ASGI middleware: every HTTP request needs the token (header, cookie, or ?token= once)."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app = app
        self.token = token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        header = request.headers.get("authorization", "")
        if header.lower().startswith("bearer ") and _same(header[7:].strip(), self.token):
            await self.app(scope, receive, send)
            return
        if _same(request.cookies.get(COOKIE, ""), self.token):
            await self.app(scope, receive, send)
            return
        given = request.query_params.get("token")
        if given is not None and _same(given, self.token):
            clean = URL(scope=scope).remove_query_params("token")
            # one leading slash only: "//evil.example/x" (or "/\\evil.example") as a Location is
            # another site to a browser, which would make this an open redirect
            path = "/" + clean.path.lstrip("/\\")
            resp: Response = RedirectResponse(path + (f"?{clean.query}" if clean.query else ""), 303)
            resp.set_cookie(COOKIE, self.token, httponly=True, samesite="strict", path="/")
            await resp(scope, receive, send)
            return
        await _deny(scope, 401, "this Counterpoint server needs its access token (Authorization: Bearer …)")(
            scope, receive, send
        )


def _host_name(host: str) -> str | None:
    """The name in a ``Host`` header value ("127.0.0.1:8000" -> "127.0.0.1"); None when the
    port is not a number, so "127.0.0.1:80@evil.example" is no loopback name."""
    if host.startswith("["):
        name, _, port = host.partition("]")
        name += "]"
        port = port.removeprefix(":") if port.startswith(":") else (port or "0")
    else:
        name, colon, port = host.rpartition(":")
        if not colon:
            return host
    return name if port.isdigit() and len(port) <= 5 else None


class LoopbackHosts:
    """ASGI middleware: answer only requests addressed to a loopback host name (DNS-rebinding guard)."""

    def __init__(self, app: ASGIApp, allowed: Sequence[str] = LOOPBACK_NAMES) -> None:
        self.app = app
        self.allowed = {h.lower() for h in allowed}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            host = Request(scope).headers.get("host", "").lower()
            if host not in self.allowed and _host_name(host) not in self.allowed:
                await _deny(scope, 400, "unexpected Host header; open the app at http://127.0.0.1:PORT/")(
                    scope, receive, send
                )
                return
        await self.app(scope, receive, send)
