"""A person signs in with the demo admin's credentials in Chromium, sees the home page in
Japanese, and the pages pass axe-core's accessibility checks."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from portal.demo import load_demo
from portal.extensions import db
from tests.browser.conftest import axe_violations, screenshot


def _demo_admin():
    creds = {c.role: c for c in load_demo()}
    db.session.commit()
    return creds["admin"]


def test_demo_admin_signs_in_and_sees_the_home_page(page, app):
    admin = _demo_admin()
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/sign-in"))
    expect(page.get_by_role("heading", name="ログイン", exact=True)).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "sign-in")

    page.get_by_label("ログインID").fill(admin.login_id)
    page.get_by_label("パスワード").fill(admin.password)
    page.get_by_role("button", name="ログイン").click()

    expect(page.get_by_role("heading", name="株式会社デモ商事")).to_be_visible()
    expect(page.get_by_role("link", name="SYSTEM INFORMATION").first).to_be_visible()
    expect(page.get_by_text("管理 花子 様、ようこそ。")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "home")

    page.get_by_role("button", name="ログアウト").click()
    expect(page.get_by_text("ログアウトしました。")).to_be_visible()


def test_wrong_password_keeps_the_login_id_and_explains(page, app):
    admin = _demo_admin()
    page.goto("/sign-in")
    page.get_by_label("ログインID").fill(admin.login_id)
    page.get_by_label("パスワード").fill("wrong-password")
    page.get_by_role("button", name="ログイン").click()
    expect(page.get_by_role("alert")).to_contain_text("ログインIDまたはパスワードが正しくないか")
    expect(page.get_by_label("ログインID")).to_have_value(admin.login_id)
    expect(page.get_by_label("パスワード")).to_have_value("")
    assert axe_violations(page) == []
    screenshot(page, "sign-in-error")


def test_keyboard_only_sign_in(page, app):
    admin = _demo_admin()
    page.goto("/sign-in")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="本文へ移動")).to_be_focused()
    page.get_by_label("ログインID").focus()
    page.keyboard.type(admin.login_id)
    page.keyboard.press("Tab")
    page.keyboard.type(admin.password)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="株式会社デモ商事")).to_be_visible()


def test_the_sign_in_history_shows_refused_attempts_with_their_reason(page, app):
    admin = _demo_admin()
    page.goto("/sign-in")
    page.get_by_label("ログインID").fill(admin.login_id)
    page.get_by_label("パスワード").fill("not-the-password")
    page.get_by_role("button", name="ログイン").click()
    page.get_by_label("パスワード").fill(admin.password)
    page.get_by_role("button", name="ログイン").click()
    expect(page.get_by_role("heading", name="株式会社デモ商事")).to_be_visible()

    page.goto("/account/sessions")
    history = page.get_by_role("region", name="ログイン履歴")
    expect(history.get_by_text("失敗：パスワードが正しくありません")).to_be_visible()
    expect(history.get_by_text("ログイン成功")).to_be_visible()
    assert axe_violations(page) == []
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "sign-in-history-390")
