from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import pytest
import webstore
from click.testing import CliRunner
from starlette.testclient import TestClient

from counterpoint.cli import main
from counterpoint.errors import ConfigError
from counterpoint.store import web as q
from counterpoint.web import create_app
from counterpoint.web.auth import check_bind

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
