from __future__ import annotations

import contextlib
import json
import re
import socket
import threading
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import pytest
import webstore
from click.testing import CliRunner
from markupsafe import Markup
from starlette.testclient import TestClient

from counterpoint.cli import main
from counterpoint.config import Settings
from counterpoint.errors import ConfigError
from counterpoint.factories import default_pipeline
from counterpoint.report import write_report
from counterpoint.report.html import template_env
from counterpoint.runners.local import run
from counterpoint.store import open_store
from counterpoint.store import web as q
from counterpoint.web import create_app
from counterpoint.web.auth import check_bind
from counterpoint.web.server import make_server

# fixtures shared through webstore.py (a second conftest.py would shadow tests/conftest.py)
web_db, client = webstore.web_db, webstore.client
article_ids, entity_id = webstore.article_ids, webstore.entity_id
TOKEN = "correct-horse-battery-staple"


class _Audit(HTMLParser):
    """Collects what could run or fetch something: scripts, event handlers, javascript: URLs."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[str | None] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.scripts.append(dict(attrs).get("src"))
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…>")
            if name in {"href", "src", "action", "formaction"} and (value or "").strip().lower().startswith(
                ("javascript:", "data:", "//", "http")
            ):
                self.problems.append(f"<{tag} {name}={value}>")


def _audit(page: str) -> _Audit:
    audit = _Audit()
    audit.feed(page)
    return audit


def _hostile_pages(client: TestClient, db: Path) -> dict[str, str]:
    aid = article_ids(db)["javascript:alert(4)"]
    return {
        url: client.get(url).text
        for url in (
            "/",
            f"/articles/{aid}",
            f"/articles/{aid}?mark=%22%3E%3Cscript%3Ealert(5)%3C/script%3E",
            f"/outlets/{quote(webstore.HOSTILE_OUTLET)}",
            "/outlets",
            "/search?q=pier",
            "/search?q=%3Cscript%3Ealert(6)%3C/script%3E",
            f"/entities/{entity_id(db, 'Lena Castell')}",
            "/entities",
        )
    }


def test_web_security_hostile_articles_are_escaped_on_every_page(client: TestClient, web_db: Path) -> None:
    for url, page in _hostile_pages(client, web_db).items():
        audit = _audit(page)
        assert audit.scripts == ["/static/app.js"], url  # our one script file, nothing inline
        assert audit.problems == [], url
        assert "<img" not in page, url
        assert "alert(5)</script>" not in page, url
        assert "alert(6)</script>" not in page, url


def test_web_security_hostile_text_is_shown_not_evaluated(client: TestClient, web_db: Path) -> None:
    aid = article_ids(web_db)["javascript:alert(4)"]
    page = re.sub(r"</?span[^>]*>", "", client.get(f"/articles/{aid}").text)  # without the highlight marks
    assert "&lt;script&gt;alert(&#34;title&#34;)&lt;/script&gt; Pier plan {{ 7*7 }}" in page
    assert "{{ 7*7 }} {% raw %}" in page  # template syntax in the text is shown as typed
    assert "&lt;img src=x onerror=alert(1)&gt;" in page  # the outlet name, as text
    assert "javascript:alert(4)" in page  # the URL is shown as text, never linked
    assert 'href="javascript:' not in page


def test_web_security_api_returns_hostile_text_as_json_only(client: TestClient, web_db: Path) -> None:
    aid = article_ids(web_db)["javascript:alert(4)"]
    res = client.get(f"/api/v1/articles/{aid}")
    assert res.headers["content-type"] == "application/json"
    assert res.headers["x-content-type-options"] == "nosniff"
    assert res.json()["title"] == webstore.HOSTILE_TITLE


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/search?q=pier",
        "/nowhere",
        "/search?from=bad",
        "/static/app.js",
        "/static/style.css",
        "/static/missing.js",
        "/api/v1/articles",
        "/api/v1/articles/0000000000000000",
        "/openapi.json",
    ],
)
def test_web_security_every_response_has_a_strict_csp(client: TestClient, url: str) -> None:
    res = client.get(url)
    csp = res.headers["content-security-policy"]
    assert "default-src 'none'" in csp
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert res.headers["referrer-policy"] == "no-referrer"


@pytest.mark.parametrize(
    ("url", "target"),
    [("/", "overview"), ("/api/v1/articles", "list_articles"), ("/search?q=x", "search_articles")],
)
def test_web_security_errors_never_show_a_stack_trace(
    client: TestClient, url: str, target: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret-internal-detail at /srv/counterpoint")

    monkeypatch.setattr(q, target, broken)
    res = client.get(url)
    assert res.status_code == 500
    assert "secret-internal-detail" not in res.text
    assert "Traceback" not in res.text
    assert "default-src 'none'" in res.headers["content-security-policy"]
    if url.startswith("/api/"):
        assert res.json()["error"]["status"] == 500


def test_web_security_token_is_required_when_set(web_db: Path) -> None:
    with TestClient(create_app(str(web_db), token=TOKEN)) as c:
        for url in ("/", "/api/v1/articles", "/static/app.js", "/openapi.json"):
            res = c.get(url)
            assert res.status_code == 401, url
            assert res.headers["www-authenticate"].startswith("Bearer")
        assert c.get("/api/v1/articles").json()["error"]["status"] == 401
        assert c.get("/", headers={"Authorization": "Bearer wrong-token-wrong-token"}).status_code == 401
        assert c.get("/", params={"token": "wrong"}).status_code == 401
        assert c.get("/", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200


def test_web_security_token_in_url_becomes_a_strict_cookie(web_db: Path) -> None:
    with TestClient(create_app(str(web_db), token=TOKEN)) as c:
        res = c.get("/search", params={"q": "pier", "token": TOKEN}, follow_redirects=False)
        assert res.status_code == 303
        assert res.headers["location"] == "/search?q=pier"  # the token leaves the address bar
        cookie = res.headers["set-cookie"].lower()
        assert "httponly" in cookie
        assert "samesite=strict" in cookie
        assert c.get("/search", params={"q": "pier"}).status_code == 200  # now by cookie


def test_web_security_binding_beyond_loopback_needs_a_token() -> None:
    check_bind("127.0.0.1", None)
    check_bind("::1", None)
    check_bind("localhost", None)
    check_bind("0.0.0.0", TOKEN)
    with pytest.raises(ConfigError, match="--token"):
        check_bind("0.0.0.0", None)
    with pytest.raises(ConfigError, match="--token"):
        check_bind("192.168.1.20", None)
    with pytest.raises(ConfigError, match="at least 16"):
        check_bind("0.0.0.0", "short")


def test_web_security_serve_command_refuses_open_bind_without_token(web_db: Path) -> None:
    res = CliRunner().invoke(main, ["serve", "--db", str(web_db), "--host", "0.0.0.0"])
    assert isinstance(res.exception, ConfigError)
    assert "--token" in str(res.exception)
    env = {"COUNTERPOINT_TOKEN": "short"}  # the token is read from the environment too
    res = CliRunner().invoke(main, ["serve", "--db", str(web_db), "--host", "0.0.0.0"], env=env)
    assert "at least 16" in str(res.exception)


def test_web_security_loopback_app_rejects_foreign_host_headers(web_db: Path) -> None:
    app = create_app(str(web_db), allowed_hosts=["127.0.0.1", "localhost"])
    with TestClient(app, base_url="http://127.0.0.1:8000") as c:
        assert c.get("/").status_code == 200
        assert c.get("/", headers={"Host": "localhost:8000"}).status_code == 200
        assert c.get("/", headers={"Host": "attacker.example"}).status_code == 400
        assert c.get("/", headers={"Host": "127.0.0.1.attacker.example:8000"}).status_code == 400


BIDI_TITLE = "Budget \u202ereversed\u202c vote \u2066isolated\u2069 today"
BIDI_OUTLET = "Harbour \u202eGazette"


@pytest.fixture(scope="module")
def bidi_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("bidi")
    src = folder / "a.jsonl"
    record = {
        "title": BIDI_TITLE,
        "source": BIDI_OUTLET,
        "date": "2026-03-01",
        "url": "https://harbour.example/budget",
        "text": webstore.ARTICLES[0]["text"],
    }
    src.write_text(json.dumps(record) + "\n", encoding="utf-8")
    store = open_store(str(folder / "bidi.db"))
    run(store, [str(src)], default_pipeline(), Settings(workers=1, story_embedder="hashing"))
    store.close()
    return folder / "bidi.db"


def test_web_security_bidi_controls_never_reach_a_page(bidi_db: Path, tmp_path: Path) -> None:
    with TestClient(create_app(str(bidi_db))) as c:
        aid = next(iter(article_ids(bidi_db).values()))
        pages = {u: c.get(u).text for u in ("/", f"/articles/{aid}", "/outlets", "/search?q=budget")}
    store = open_store(str(bidi_db))
    pages["report.html"] = write_report(store, tmp_path / "report.html").read_text(encoding="utf-8")
    store.close()
    for url, page in pages.items():
        assert not re.search("[\u202a-\u202e\u2066-\u2069]", page), url
    assert "Budget reversed vote isolated today" in pages[f"/articles/{aid}"]
    assert "Harbour Gazette" in pages["/outlets"]


def test_web_security_template_env_strips_bidi_from_markup_too() -> None:
    env = template_env()
    assert env.from_string("{{ t }}|{{ m }}").render(t="a\u202eb<", m=Markup("<b>c\u2066d</b>")) == (
        "ab&lt;|<b>cd</b>"
    )


def test_web_security_host_with_userinfo_is_not_loopback(web_db: Path) -> None:
    app = create_app(str(web_db), allowed_hosts=["127.0.0.1", "localhost", "[::1]"])
    with TestClient(app, base_url="http://127.0.0.1:8000") as c:
        assert c.get("/", headers={"Host": "127.0.0.1:80@evil.example"}).status_code == 400
        assert c.get("/", headers={"Host": "127.0.0.1:evil"}).status_code == 400
        assert c.get("/", headers={"Host": "[::1]:8000"}).status_code == 200
        assert c.get("/", headers={"Host": "127.0.0.1"}).status_code == 200


def test_web_security_whitespace_token_is_refused() -> None:
    with pytest.raises(ConfigError, match="at least 16"):
        check_bind("0.0.0.0", " " * 32)
    with pytest.raises(ConfigError, match="at least 16"):
        check_bind("127.0.0.1", "\t" * 20)


def test_web_security_serve_refuses_before_announcing_an_address(web_db: Path) -> None:
    res = CliRunner().invoke(main, ["serve", "--db", str(web_db), "--host", "0.0.0.0", "--token", " " * 20])
    assert isinstance(res.exception, ConfigError)
    assert "at least 16" in str(res.exception)
    assert "serving" not in res.output


def test_web_security_token_redirect_stays_on_this_site(web_db: Path) -> None:
    with TestClient(create_app(str(web_db), token=TOKEN)) as c:
        for path in ("//evil.example/x", "/\\evil.example/x", "///evil.example/x"):
            c.cookies.clear()  # the first redirect's cookie would let the next request straight in
            # the full URL keeps the client from reading "//evil.example" as a host
            res = c.get(f"http://testserver{path}?token={TOKEN}&a=1", follow_redirects=False)
            assert res.status_code == 303
            location = res.headers["location"]
            assert location.startswith("/"), location
            assert not location.startswith(("//", "/\\")), location
            assert location.endswith("?a=1")


def _send_quietly(sock: socket.socket, data: bytes) -> None:
    with contextlib.suppress(OSError):  # the server hangs up first, as it should
        sock.sendall(data)


def test_web_security_oversized_request_line_gets_the_security_headers(web_db: Path) -> None:
    server = make_server(create_app(str(web_db)), host="127.0.0.1", port=0)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        for _ in range(200):
            if server.started:
                break
            time.sleep(0.05)
        port = server.servers[0].sockets[0].getsockname()[1]
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            # sent from a thread: the server answers (and closes) before the 200 KB are all sent
            line = b"GET /?q=" + b"a" * 200_000 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
            sender = threading.Thread(target=_send_quietly, args=(sock, line), daemon=True)
            sender.start()
            answer = b""
            try:
                while chunk := sock.recv(65536):
                    answer += chunk
            except ConnectionResetError:
                pass  # the server closed with our request unread: its answer came before the reset
            sender.join(10)
    finally:
        server.should_exit = True
        thread.join(10)
    head = answer.split(b"\r\n\r\n", 1)[0].lower()
    assert head.startswith(b"http/1.1 400")
    assert b"content-security-policy: default-src 'none'" in head
    assert b"x-content-type-options: nosniff" in head
