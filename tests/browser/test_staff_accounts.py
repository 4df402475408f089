"""Staff accounts in Chromium (issue 13 items 10 and 6): a new staff member is taken to the
two-factor set-up and reaches the console only after it; a staff action with its reason shows
in the staff audit; the statistics page with the browser and OS share charts. Screenshots at
desktop width and 390 px."""
from __future__ import annotations

import re
from datetime import timedelta

import pyotp
from playwright.sync_api import expect

from portal import clock
from portal.accounts.audit import record_event
from portal.domain import ClientInfo
from portal.extensions import db
from tests import factories
from tests.browser.conftest import axe_violations, pass_second_factor, screenshot

AGENTS = [
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/131.0.0.0 Safari/537.36", 7),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0", 5),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
     "like Gecko) Version/17.0 Mobile/15E148 Safari/604.1", 6),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "Version/17.0 Safari/605.1.15", 2),
    ("Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0", 3),
]


def _sign_in(pg, login_id):
    pg.goto("/sign-in")
    pg.get_by_label("ログインID").fill(login_id)
    pg.get_by_label("パスワード").fill(factories.PASSWORD)
    pg.get_by_role("button", name="ログイン").click()


def test_a_new_staff_member_sets_up_two_factor_before_the_console(page):
    factories.staff(login_id="newops", two_factor=False)
    db.session.commit()
    _sign_in(page, "newops")
    expect(page).to_have_url(re.compile(r"/account/two-factor$"))
    expect(page.get_by_text("スタッフのアカウントでは2段階認証が必須です").first).to_be_visible()
    # No way round it: the console and the account page lead back here.
    for path in ("/staff/", "/staff/organizations", "/staff/audit", "/account"):
        page.goto(path)
        expect(page).to_have_url(re.compile(r"/account/two-factor$"))
    assert axe_violations(page) == []
    screenshot(page, "staff-two-factor-setup")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "staff-two-factor-setup-390")
    page.set_viewport_size({"width": 1280, "height": 900})
    secret = page.locator("code.totp-secret").inner_text()
    page.get_by_label("確認コード").fill("000000")
    page.get_by_role("button", name="2段階認証を有効にする").click()
    expect(page.locator(".field__error")).to_be_visible()
    page.get_by_label("確認コード").fill(pyotp.TOTP(secret).at(clock.now_utc()))
    page.get_by_role("button", name="2段階認証を有効にする").click()
    expect(page.locator("code").first).to_be_visible()  # the recovery codes
    page.get_by_role("link", name="コードを保管しました").click()
    expect(page.get_by_role("heading", name="運用コンソール")).to_be_visible()
    # Signing in again: the password, then the code.
    page.get_by_role("button", name="ログアウト").click()
    _sign_in(page, "newops")
    expect(page).to_have_url(re.compile(r"/sign-in/code$"))
    pass_second_factor(page, "newops")
    expect(page.get_by_role("heading", name="運用コンソール")).to_be_visible()


def test_a_staff_action_and_its_reason_in_the_staff_audit(page):
    org = factories.org("株式会社監査テスト")
    factories.contract(org, "secure_deliver")
    factories.staff(login_id="ops-audit")
    db.session.commit()
    _sign_in(page, "ops-audit")
    pass_second_factor(page, "ops-audit")
    page.goto(f"/staff/organizations/{org.id}")
    page.get_by_label("根拠条項").select_option("§9(2)")
    page.get_by_label("理由", exact=True).fill("是正の要請後も過負荷が続いています。")
    page.get_by_role("button", name="この組織の利用を停止する").click()
    expect(page.get_by_text("組織の利用を停止しました（第9条(2)）。")).to_be_visible()
    page.goto("/staff/")
    page.get_by_role("link", name="スタッフ操作記録").click()
    expect(page.get_by_role("heading", name="スタッフ操作記録")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="組織の利用停止")
    expect(row).to_contain_text("是正の要請後も過負荷が続いています。")
    expect(row).to_contain_text("株式会社監査テスト")
    row.get_by_role("link", name="株式会社監査テスト").click()
    expect(page.get_by_text("1件のスタッフ操作")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "staff-audit")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "staff-audit-390")


def test_the_statistics_page_with_browser_and_os_shares(page):
    now = clock.now_utc()
    n = 0
    for agent, orgs in AGENTS:
        for _ in range(orgs):
            n += 1
            org = factories.org(f"共有{n}株式会社")
            factories.contract(org, "image_works", "standard")
            user = factories.user(org, login_id=f"share-{n}")
            for day in range(1 + n % 4):
                record_event("sign_in", ClientInfo("192.0.2.1", agent),
                             user=user).occurred_at = now - timedelta(days=day)
    factories.staff(login_id="ops-share")
    db.session.commit()
    _sign_in(page, "ops-share")
    pass_second_factor(page, "ops-share")
    page.get_by_role("link", name="利用統計").click()
    expect(page.locator("svg.chart")).to_have_count(4)
    browsers = page.get_by_role("region", name=re.compile("ログインに使われたブラウザー"))
    expect(browsers.get_by_role("cell", name="Chrome", exact=True)).to_be_visible()
    expect(browsers.get_by_role("cell", name="その他", exact=True)).to_be_visible()
    expect(page.get_by_text("Firefox")).to_have_count(0)  # 3 organizations: folded into other
    expect(page.get_by_text("共有1株式会社")).to_have_count(0)
    assert axe_violations(page) == []
    screenshot(page, "staff-statistics-shares")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "staff-statistics-shares-390")
