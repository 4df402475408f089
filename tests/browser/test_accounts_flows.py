"""Accounts in a real browser: accepting an invitation (with and without the PRus residence
declaration, §31(5)), setting up and requiring two-factor sign-in, and a misuse report
(§7(4)) that signs the reported account out of another browser at once."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pyotp
from playwright.sync_api import expect

from portal import clock
from portal.accounts.users import invitations
from portal.extensions import db
from tests import factories
from tests.browser.conftest import axe_violations, pass_second_factor, screenshot

NEW_PASSWORD = "correct-horse-battery-staple-2026"
NOW = datetime(2026, 11, 25, 3, 0, 5, tzinfo=timezone.utc)


def _invite(service: str, email: str):
    org = factories.org("株式会社ブラウザ" if service != "image_works_prus" else "株式会社プラス")
    factories.contract(org, service)
    factories.terms_version()
    _, token = invitations.create_invitation(org, email=email, role="admin", name="山田 花子")
    db.session.commit()
    return token


def _fill_acceptance(page, login_id: str):
    page.get_by_label("ログインID").fill(login_id)
    page.get_by_label("新しいパスワード", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("新しいパスワード（確認）").fill(NEW_PASSWORD)
    page.get_by_label("利用規約に同意します").check()


def test_invitation_accepted_without_residence_question(page, app):
    token = _invite("image_works", "hanako@example.co.jp")
    page.goto(f"/invitations/{token}")
    expect(page.get_by_role("heading", name="アカウントの作成")).to_be_visible()
    expect(page.get_by_label("私は日本国内に居住しています")).to_have_count(0)
    assert axe_violations(page) == []
    screenshot(page, "accounts-invitation")
    _fill_acceptance(page, "hanako")
    page.get_by_role("button", name="アカウントを作成").click()
    expect(page.get_by_text("ようこそ。アカウントを作成しました。")).to_be_visible()
    expect(page.get_by_role("link", name="ユーザー").first).to_be_visible()


def test_prus_invitation_needs_the_residence_declaration(page, app):
    token = _invite("image_works_prus", "resident@example.co.jp")
    page.goto(f"/invitations/{token}")
    _fill_acceptance(page, "resident")
    page.get_by_role("button", name="アカウントを作成").click()
    alert = page.get_by_role("alert").first
    expect(alert).to_contain_text("アカウントは作成されませんでした")
    expect(alert).to_contain_text("第31条(5)")
    expect(page.get_by_label("ログインID")).to_have_value("resident")
    assert axe_violations(page) == []
    screenshot(page, "accounts-invitation-prus-refused")

    page.get_by_label("新しいパスワード", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("新しいパスワード（確認）").fill(NEW_PASSWORD)
    page.get_by_label("利用規約に同意します").check()
    page.get_by_label("私は日本国内に居住しています").check()
    page.get_by_role("button", name="アカウントを作成").click()
    expect(page.get_by_text("ようこそ。アカウントを作成しました。")).to_be_visible()


def test_expired_invitation_page(page, app):
    clock.set_frozen(NOW)
    token = _invite("image_works", "late@example.co.jp")
    clock.set_frozen(NOW + timedelta(days=8))
    response = page.goto(f"/invitations/{token}")
    assert response.status == 410
    expect(page.get_by_text("有効期限が切れています")).to_be_visible()
    assert axe_violations(page) == []


def _sign_in(page, login_id: str, password: str = factories.PASSWORD):
    page.goto("/sign-in")
    page.get_by_label("ログインID").fill(login_id)
    page.get_by_label("パスワード").fill(password)
    page.get_by_role("button", name="ログイン").click()
    pass_second_factor(page, login_id)


def test_two_factor_required_set_up_and_used(page, app):
    clock.set_frozen(NOW)
    org = factories.org("株式会社ツーファクタ")
    factories.contract(org)
    factories.user(org, role="admin", login_id="boss")
    factories.user(org, login_id="taro")

    _sign_in(page, "boss")
    page.goto("/users")
    page.get_by_role("button", name="2段階認証を必須にする").click()
    expect(page.get_by_text("組織の全員に2段階認証を必須にしました。")).to_be_visible()
    page.get_by_role("button", name="ログアウト").click()

    _sign_in(page, "taro")
    expect(page).to_have_url(re.compile(r"/account/two-factor$"))
    expect(page.get_by_text("お客様の組織では2段階認証が必須です")).to_be_visible()
    expect(page.locator("svg.qr")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "accounts-two-factor-setup")
    secret = page.locator(".totp-secret").inner_text()
    page.get_by_label("確認コード").fill(pyotp.TOTP(secret).at(clock.now_utc()))
    page.get_by_role("button", name="2段階認証を有効にする").click()
    expect(page.get_by_role("heading", name="リカバリーコード")).to_be_visible()
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    screenshot(page, "accounts-recovery-codes")
    codes = page.locator(".recovery-codes code").all_inner_texts()
    with page.expect_download() as download:  # the codes can be kept as a file or printed
        page.get_by_role("link", name="テキストファイルでダウンロード").click()
    saved = Path(download.value.path()).read_text(encoding="utf-8")
    assert all(code in saved for code in codes) and "taro" in saved
    expect(page.get_by_role("button", name="印刷")).to_be_visible()
    page.get_by_role("link", name="コードを保管しました").click()
    page.get_by_role("button", name="ログアウト").click()

    clock.set_frozen(NOW + timedelta(seconds=30))
    _sign_in(page, "taro")
    expect(page.get_by_role("heading", name="2段階認証")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_label("確認コード").fill(pyotp.TOTP(secret).at(clock.now_utc()))
    page.get_by_role("button", name="ログイン").click()
    expect(page).to_have_url(re.compile(r"/$"))


def test_misuse_report_signs_the_account_out_everywhere(page, new_page, app):
    org = factories.org("株式会社ミスユース")
    factories.contract(org)
    factories.user(org, role="admin", login_id="boss")
    taro = factories.user(org, login_id="taro")
    factories.staff(login_id="ops")

    thief = new_page()
    _sign_in(thief, "taro")
    thief.goto("/account")
    expect(thief.get_by_role("heading", name="アカウント設定")).to_be_visible()

    _sign_in(page, "boss")
    page.goto(f"/users/{taro.id}")
    page.get_by_role("link", name="このアカウントの不正利用を届け出る").click()
    expect(page.get_by_label("taro", exact=False)).to_be_checked()
    page.get_by_label("状況").fill("身に覚えのないログインがありました。")
    assert axe_violations(page) == []
    screenshot(page, "accounts-misuse-report")
    page.get_by_role("button", name="次へ：実行される内容の確認").click()
    expect(page.get_by_role("heading", name="不正利用の届出の確認")).to_be_visible()
    page.get_by_role("button", name="アカウントをロックして届け出る").click()
    expect(page.get_by_role("status")).to_contain_text("すべてのセッションを終了しました")
    screenshot(page, "accounts-misuse-reports")

    thief.goto("/account")
    expect(thief).to_have_url(re.compile(r"/sign-in"))
    _sign_in(thief, "taro")
    expect(thief.get_by_role("alert")).to_contain_text("ログインIDまたはパスワードが正しくないか")


def test_account_pages_pass_axe(page, app):
    org = factories.org("株式会社アクセシブル")
    factories.contract(org)
    factories.user(org, role="admin", login_id="boss")
    factories.user(org, login_id="taro", name="山田 太郎")
    invitations.create_invitation(org, email="new@example.co.jp", role="user")
    db.session.commit()
    _sign_in(page, "boss")
    for path, name in [
        ("/users", "accounts-users"), ("/organization", "accounts-organization"),
        ("/account", "accounts-account"), ("/account/sessions", "accounts-sessions"),
        ("/account/password", "accounts-password"), ("/misuse-reports", "accounts-misuse-list"),
    ]:
        page.goto(path)
        assert axe_violations(page) == [], path
        screenshot(page, name)
    page.get_by_role("button", name="ログアウト").click()
    for path in ("/password-reset", "/misuse-report"):
        page.goto(path)
        assert axe_violations(page) == [], path
    screenshot(page, "accounts-misuse-public")


def test_staff_misuse_queue_pages_pass_axe(page, app):
    from portal.accounts.misuse import services as misuse
    from portal.domain import ClientInfo

    org = factories.org("株式会社キュー")
    factories.contract(org)
    boss = factories.user(org, role="admin", login_id="boss")
    taro = factories.user(org, login_id="taro")
    factories.staff(login_id="ops")
    report = misuse.submit_report(boss, [taro.id], "不審なログイン", ClientInfo())
    db.session.commit()
    _sign_in(page, "ops")
    page.goto("/staff/accounts/misuse-reports")
    assert axe_violations(page) == []
    page.get_by_role("link", name=re.compile("2026")).first.click()
    expect(page.get_by_role("heading", name=f"届出 {report.id}: 受付済み")).to_be_visible()
    page.get_by_label("状態").select_option("investigating")
    page.get_by_label("メモ（お客様の管理者に表示されます）").fill("ログを確認しています。")
    page.locator("textarea#reason").fill("調査を開始")  # the status form's reason
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("ログを確認しています。")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "accounts-staff-misuse-report")
