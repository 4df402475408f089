"""§7(5) in a real browser: staff delete the accounts of a trial organization."""
from __future__ import annotations

from playwright.sync_api import expect

from portal.extensions import db
from tests import factories
from tests.browser.conftest import axe_violations, pass_second_factor, screenshot


def test_staff_delete_trial_accounts(page, app):
    org = factories.org("株式会社おためし")
    factories.contract(org, "image_works", trial=True)
    factories.user(org, role="admin", login_id="trial-admin", name="試用 管理者")
    factories.user(org, login_id="trial-user", name="試用 利用者")
    factories.staff(login_id="ops")
    db.session.commit()
    page.goto("/sign-in")
    page.get_by_label("ログインID").fill("ops")
    page.get_by_label("パスワード").fill(factories.PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    pass_second_factor(page, "ops")
    page.goto(f"/staff/organizations/{org.id}/trial-accounts")
    expect(page.get_by_role("heading", level=1)).to_contain_text("無償試用中の組織のアカウント削除")
    expect(page.get_by_text("trial-user")).to_be_visible()
    screenshot(page, "accounts_trial_delete_form")
    assert axe_violations(page) == []
    page.get_by_role("button", name="アカウント情報を削除する").click()
    expect(page.locator("#reason-error")).to_contain_text("削除の理由を入力してください")
    page.get_by_label("削除の理由").fill("試用期間終了後、連絡が取れないため")
    page.get_by_label("アカウント情報が削除され、元に戻せないことを理解しました。").check()
    page.get_by_role("button", name="アカウント情報を削除する").click()
    expect(page.get_by_text("2件のアカウント情報を削除しました")).to_be_visible()
    expect(page.get_by_text("trial-user")).to_have_count(0)
    screenshot(page, "accounts_trial_deleted")
    assert axe_violations(page) == []
