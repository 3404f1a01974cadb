"""End-to-end in real headless Chromium: the app served by uvicorn on a free loopback port.

Skips when Chromium, chromedriver or Selenium is missing (CI installs them:
``apt-get install -y chromium chromium-driver``). Run as a script to refresh the
screenshots in docs/img from any store (and of its report, when given):

    python tests/web/test_web_browser.py --db out/counterpoint.db --report out/report.html --out docs/img
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import webstore

# fixtures shared through webstore.py (a second conftest.py would shadow tests/conftest.py)
web_db, entity_id, article_ids = webstore.web_db, webstore.entity_id, webstore.article_ids

CHROMIUM = os.environ.get("COUNTERPOINT_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("COUNTERPOINT_CHROMEDRIVER", "/usr/bin/chromedriver")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
    "--window-size=1280,1400",
)


def _missing() -> str | None:
    for path in (CHROMIUM, CHROMEDRIVER):
        if not (Path(path).is_file() or shutil.which(path)):
            return f"{path} not found (apt-get install -y chromium chromium-driver)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[dev]')"
    return None


@contextmanager
def served(db: Path) -> Iterator[str]:
    """The app over ``db`` served by uvicorn on a free loopback port, in a thread."""
    import uvicorn

    from counterpoint.web import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = uvicorn.Config(
        create_app(str(db), allowed_hosts=["127.0.0.1"]), host="127.0.0.1", port=port, log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


@contextmanager
def browser() -> Iterator[Any]:
    """Headless Chromium through chromedriver, with a fresh profile that is removed afterwards."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="counterpoint-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(20)
    # a shared CI machine can be slow to render after a click: wait for elements instead of failing
    driver.implicitly_wait(10)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def _highlighted(driver: Any) -> list[str]:
    from selenium.webdriver.common.by import By

    return [el.get_attribute("data-ref") for el in driver.find_elements(By.CSS_SELECTOR, ".body .mk.hl")]


def test_web_browser_home_article_evidence_and_search(web_db: Path, tmp_path: Path) -> None:
    reason = _missing()
    if reason:
        pytest.skip(reason)
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    castell = entity_id(web_db, "Lena Castell")
    with served(web_db) as base, browser() as driver:
        driver.get(base + "/")
        assert "Counterpoint" in driver.title
        latest = driver.find_element(By.ID, "latest")
        assert "Amsel council approves harbour pier" in latest.text
        driver.save_screenshot(str(tmp_path / "home.png"))

        latest.find_element(By.LINK_TEXT, "Amsel council approves harbour pier").click()
        assert driver.find_element(By.TAG_NAME, "h1").text == "Amsel council approves harbour pier"
        assert _highlighted(driver) == []
        # the script is allowed by the CSP and runs: clicking an entity lights up its mentions
        driver.find_element(By.CSS_SELECTOR, f'#entities button[data-target="e-{castell}"]').click()
        assert set(_highlighted(driver)) == {f"e-{castell}"}
        assert "Lena Castell" in driver.find_element(By.ID, "status").text
        # ... and a quote its words in the text
        driver.find_element(By.CSS_SELECTOR, '#quotes button[data-target="q-0"]').click()
        assert _highlighted(driver) == ["q-0"]
        quote = driver.find_element(By.CSS_SELECTOR, '.body .mk.hl[data-ref="q-0"]')
        assert quote.text.startswith("This pier will serve the fishing fleet")
        # clicking a mark in the text highlights every mark of the same entity
        driver.find_element(By.CSS_SELECTOR, f'.body .mk[data-ref="e-{castell}"]').click()
        assert set(_highlighted(driver)) == {f"e-{castell}"}

        box = driver.find_element(By.CSS_SELECTOR, "form.quick input[name=q]")
        box.send_keys("fishing fleet", Keys.ENTER)
        results = driver.find_element(By.ID, "results")
        assert "1 result" in results.text
        assert [m.text.lower() for m in results.find_elements(By.TAG_NAME, "mark")] == ["fishing", "fleet"]
        driver.save_screenshot(str(tmp_path / "search.png"))

        # the hostile article shows its markup as text: no element injected, no script run
        driver.get(f"{base}/articles/{article_ids(web_db)['javascript:alert(4)']}")
        assert "<script>alert(" in driver.find_element(By.TAG_NAME, "h1").text
        assert (
            driver.execute_script("return document.querySelectorAll('img, a[href^=javascript]').length") == 0
        )
        with pytest.raises(NoAlertPresentException):
            driver.switch_to.alert.text  # noqa: B018 - reading it is the check
    for name in ("home.png", "search.png"):
        assert (tmp_path / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def screenshots(db: Path, out: Path, report: Path | None = None) -> None:
    """Save app-home/article/search/story.png of the app over ``db`` (and report.png) into ``out``."""
    import sqlite3

    from selenium.webdriver.common.by import By

    with sqlite3.connect(db) as conn:
        aid, _ = conn.execute(
            "SELECT a.id, COUNT(*) AS n FROM articles a"
            " JOIN items i ON i.article_id = a.id AND i.layer = 'quote' WHERE a.title IS NOT NULL"
            " GROUP BY a.id ORDER BY n DESC LIMIT 1"
        ).fetchone()
        word = conn.execute("SELECT name FROM entities ORDER BY mentions DESC LIMIT 1").fetchone()[0]
        story = conn.execute("SELECT id FROM stories ORDER BY articles DESC, key LIMIT 1").fetchone()
    out.mkdir(parents=True, exist_ok=True)
    with served(db) as base, browser() as driver:
        driver.get(base + "/")
        driver.save_screenshot(str(out / "app-home.png"))
        driver.get(f"{base}/articles/{aid}")
        buttons = driver.find_elements(By.CSS_SELECTOR, "#quotes button.ref")
        if buttons:
            buttons[0].click()
        driver.execute_script("window.scrollTo(0, 0)")
        driver.save_screenshot(str(out / "app-article.png"))
        driver.get(f"{base}/search?q={word}")
        driver.save_screenshot(str(out / "app-search.png"))
        if story:  # the biggest story's page, tall enough to show its brief, conflicts and claims
            driver.set_window_size(1280, 2300)
            driver.get(f"{base}/stories/{story[0]}")
            driver.save_screenshot(str(out / "app-story.png"))
        if report:
            driver.set_window_size(1280, 1300)
            driver.get(report.resolve().as_uri())
            driver.save_screenshot(str(out / "report.png"))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--out", type=Path, default=Path("docs/img"))
    parser.add_argument("--report", type=Path, help="a report.html to screenshot as report.png")
    args = parser.parse_args()
    problem = _missing()
    if problem:
        sys.exit(problem)
    screenshots(args.db, args.out, args.report)
