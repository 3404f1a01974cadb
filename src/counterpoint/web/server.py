"""The HTTP server behind ``serve``: uvicorn with its own error answers made as safe as the app's.

uvicorn answers a request it cannot parse (a request line or headers over h11's 16 KiB
limit, a malformed line) itself, before the app and its Guard see it: a bare 400 without
the security headers every other response carries. The protocol below adds them.
"""

from __future__ import annotations

import h11
from starlette.types import ASGIApp
from uvicorn import Config, Server
from uvicorn.protocols.http.h11_impl import H11Protocol

from counterpoint.web.app import SECURITY_HEADERS


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol whose own 400 answer carries the app's security headers."""

    def send_400_response(self, msg: str) -> None:
        headers = [
            (b"content-type", b"text/plain; charset=utf-8"),
            (b"connection", b"close"),
            *SECURITY_HEADERS,
        ]
        for event in (
            h11.Response(status_code=400, headers=headers, reason=b"Bad Request"),
            h11.Data(data=msg.encode("ascii", "replace")),
            h11.EndOfMessage(),
        ):
            self.transport.write(self.conn.send(event) or b"")
        self.transport.close()


def make_server(app: ASGIApp, *, host: str, port: int) -> Server:
    """A uvicorn server for ``app`` that never answers without the security headers."""
    config = Config(
        app,
        host=host,
        port=port,
        http=GuardedH11Protocol,
        log_level="warning",
        server_header=False,
        access_log=False,
    )
    return Server(config)
