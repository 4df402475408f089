"""Browser fixtures: the test app served on loopback by a real WSGI server in a thread, and
Debian's Chromium driven by Playwright (it cannot download its own browser here).

Screenshots go to test-artifacts/screenshots/. Without Chromium these tests fail with a
clear message; set PORTAL_SKIP_BROWSER=1 to skip them on purpose (CI never does).
"""
from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.helpers import staff_code

CHROMIUM = os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


# Werkzeug's test server leaves a static file open when the browser drops the request for it
# mid-way (a navigation that replaces the page, seen on a loaded machine): the file is closed
# by the garbage collector, which reports it. A property of the test server's threads, not of
# the portal (production serves static files from nginx or gunicorn, tests/server).
_STATIC_FILE_LEFT_OPEN = pytest.mark.filterwarnings(
    r"ignore:Exception ignored in. <_io.FileIO name='[^']*/static/"
    ":pytest.PytestUnraisableExceptionWarning")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            item.add_marker(_STATIC_FILE_LEFT_OPEN)


@pytest.fixture(scope="session")
def _server(_app):
    server = make_server("127.0.0.1", 0, _app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def live_server(app, _server):
    """Base URL of the portal served for this test (tables are emptied afterwards)."""
    return _server


@pytest.fixture(scope="session")
def browser():
    if os.environ.get("PORTAL_SKIP_BROWSER") == "1":
        pytest.skip("PORTAL_SKIP_BROWSER=1")
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's chromium (see .ci/run)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh Japanese browser context (its own cookies) and page."""
    context = browser.new_context(
        base_url=live_server, locale="ja-JP", timezone_id="Asia/Tokyo",
        viewport={"width": 1280, "height": 900},
    )
    pg = context.new_page()
    yield pg
    context.close()


@pytest.fixture
def new_page(browser, live_server):
    """Open more independent browser contexts (e.g. a guest next to a signed-in user)."""
    contexts = []

    def factory(locale: str = "ja-JP"):
        ctx = browser.new_context(base_url=live_server, locale=locale, timezone_id="Asia/Tokyo")
        contexts.append(ctx)
        return ctx.new_page()

    yield factory
    for ctx in contexts:
        ctx.close()


def screenshot(pg, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    pg.screenshot(path=str(path), full_page=True)
    return path


def axe_violations(pg) -> list[str]:
    """Run axe-core (bundled with axe-playwright-python, served from disk) on the page."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(pg)
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes: "
        + "; ".join(n["target"][0] if isinstance(n["target"][0], str) else str(n["target"]) for n in v["nodes"][:3])
        + ")"
        for v in results.response["violations"]
    ]


def pass_second_factor(pg, login_id: str) -> None:
    """After the password step of `login_id`: when the browser is at the code step (staff
    always are, issue 13 item 10), enter the account's current code (`tests.helpers.staff_code`)
    and wait for the page after sign-in. Other accounts are left where they are."""
    pg.wait_for_load_state()
    if "/sign-in/code" not in pg.url:
        return
    code = staff_code(login_id)
    if code is None:
        return
    pg.locator("input[name=code]").fill(code)
    pg.locator("form button[type=submit]").first.click()
    pg.wait_for_load_state()
