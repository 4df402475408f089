"""The first hour of a real user (issue 16), in Chromium against a running server.

Mailed links: the server runs on a random port (never 5000) with BASE_URL set to it, as
`make run` does from PORT; the mail goes through a real SMTP server on loopback, and every
link in the invitation, password-reset and address-confirmation mails opens its page.
The sign-in page offers its ways out (reset, application, status, misuse report) and,
after a failed sign-in, the reset link first.
"""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import expect

from portal.extensions import db
from portal.mail import deliver_pending
from tests import factories
from tests.browser.conftest import axe_violations, screenshot

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def mail_base(app, live_server):
    """BASE_URL = the live server's own address (what `make run` derives from PORT)."""
    before = app.config["BASE_URL"]
    app.config["BASE_URL"] = live_server
    yield live_server
    app.config["BASE_URL"] = before


def test_make_run_derives_the_mail_base_url_from_the_port():
    def serve_line(*args: str) -> str:
        out = subprocess.run(["make", "-n", "run", *args], cwd=ROOT, capture_output=True,
                             text=True, check=True, env={"PATH": "/usr/bin:/bin"}).stdout
        return next(line for line in out.splitlines() if "waitress-serve" in line)

    assert "PORTAL_BASE_URL=http://127.0.0.1:23150 " in serve_line("PORT=23150")
    assert "--port 23150" in serve_line("PORT=23150")
    given = serve_line("PORT=23150", "PORTAL_BASE_URL=https://portal.example.jp")
    assert "PORTAL_BASE_URL=https://portal.example.jp " in given


def _sign_in(page, login_id, password=factories.PASSWORD):
    page.goto("/sign-in")
    page.get_by_label("ログインID").fill(login_id)
    page.get_by_label("パスワード").fill(password)
    page.get_by_role("button", name="ログイン").click()


def test_sign_in_page_has_ways_out(page, app):
    page.goto("/sign-in")
    ways = page.get_by_role("navigation", name="アカウントをお持ちでない方・ログインできない方")
    expect(ways).to_be_visible()
    screenshot(page, "first-hour-sign-in")
    assert axe_violations(page) == []
    ways.get_by_role("link", name="サービスのお申し込み").click()
    expect(page.get_by_role("heading", name="サービスのお申し込み")).to_be_visible()
    page.go_back()
    ways.get_by_role("link", name="お申し込み状況の確認").click()
    expect(page).to_have_url(re.compile(r"/apply/status$"))
    page.go_back()
    ways.get_by_role("link", name="アカウントの不正利用の届出").click()
    expect(page).to_have_url(re.compile(r"/misuse-report$"))
    page.go_back()
    page.get_by_role("link", name="パスワードをお忘れの方").click()
    expect(page.get_by_role("heading", name="パスワードの再設定")).to_be_visible()

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/sign-in")
    screenshot(page, "first-hour-sign-in-390")


def test_mailed_links_work_on_a_non_default_port(page, new_page, app, smtp, mail_base):
    assert not mail_base.endswith(":5000")
    org = factories.org()
    admin = factories.user(org, role="admin", login_id="admin1", email="admin1@example.jp")
    factories.contract(org)  # the §9(1) user quota comes from a contract
    factories.terms_version()

    # A failed sign-in shows the reset link first; the reset mail follows it.
    _sign_in(page, "admin1", "wrong-password")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("ログインIDまたはパスワードが正しくないか")
    screenshot(page, "first-hour-sign-in-failed")
    alert.get_by_role("link", name="パスワードを再設定する").click()
    page.get_by_label("メールアドレス").fill(admin.email)
    page.get_by_role("button", name="リンクを送信").click()

    # The admin invites a user and adds a notification address.
    _sign_in(page, "admin1")
    page.goto("/users")
    invite = page.get_by_role("region", name="ユーザーの招待")
    invite.get_by_label("メールアドレス").fill("newcomer@example.jp")
    invite.get_by_label("氏名").fill("新人 太郎")
    invite.get_by_role("button", name="招待を送信").click()
    expect(page.get_by_text("newcomer@example.jp").first).to_be_visible()
    page.goto("/notification-addresses")
    page.get_by_label("メールアドレス").fill("ops@example.jp")
    page.get_by_role("button", name="追加", exact=True).click()

    with app.app_context():
        counts = deliver_pending()
    assert counts.get("sent", 0) >= 3, counts
    links = {}
    for rcpts, message in smtp.messages:
        for url in re.findall(r"https?://\S+", message.get_content()):
            links.setdefault(rcpts[0], []).append(url)
            assert url.startswith(mail_base + "/"), url
            assert "127.0.0.1:5000" not in url
    reset = next(u for u in links["admin1@example.jp"] if "/password-reset/" in u)
    invitation = next(u for u in links["newcomer@example.jp"] if "/invitations/" in u)
    confirm = next(u for u in links["ops@example.jp"] if "/notification-addresses/confirm/" in u)

    guest = new_page()
    guest.goto(reset)
    expect(guest.get_by_label("新しいパスワード", exact=True)).to_be_visible()
    guest.goto(invitation)
    expect(guest.get_by_label("新しいパスワード", exact=True)).to_be_visible()
    expect(guest.get_by_text("newcomer@example.jp").first).to_be_visible()
    guest.goto(confirm)
    expect(guest.get_by_text("ops@example.jp").first).to_be_visible()
    assert guest.title() and "見つかりません" not in guest.title()
