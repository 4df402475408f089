"""Files and guest links in Chromium (SPEC §3.7): a user uploads two files (one with a
Japanese name) and creates a password-protected link with a download limit of 2; a guest in a
fresh browser context enters the password and downloads both; the third download answers 410;
the creator sees the access log."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from portal.extensions import db
from tests import factories
from tests.browser.conftest import axe_violations, screenshot

JP_NAME = "見積書_2026年度.pdf"


def test_upload_share_with_password_and_limit_then_guest_downloads(page, new_page, app, tmp_path):
    app.config["STORAGE_DIR"] = str(tmp_path / "storage")
    org = factories.org("株式会社ファイル便")
    factories.contract(org, "secure_deliver")
    factories.user(org, login_id="sender", name="送信 太郎")
    db.session.commit()
    first = tmp_path / JP_NAME
    first.write_bytes(b"%PDF-1.4 " + b"x" * 5000)
    second = tmp_path / "drawing.dwg"
    second.write_bytes(b"DWG" * 1000)

    page.goto("/sign-in")
    page.get_by_label("ログインID").fill("sender")
    page.get_by_label("パスワード").fill(factories.PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.get_by_role("link", name="配信", exact=True).click()
    expect(page.get_by_role("heading", name="配信", exact=True)).to_be_visible()
    page.get_by_role("link", name="新しい配信").click()
    page.get_by_label("件名").fill("図面と見積書の送付")
    page.get_by_label("メッセージ").fill("いつもお世話になっております。\nご確認をお願いいたします。")
    page.get_by_label("ファイル", exact=True).set_input_files([str(first), str(second)])
    assert axe_violations(page) == []
    screenshot(page, "sharing-new-delivery")
    page.get_by_role("button", name="アップロードして保存").click()

    expect(page.get_by_role("heading", name="図面と見積書の送付")).to_be_visible()
    expect(page.get_by_role("link", name=JP_NAME)).to_be_visible()
    page.get_by_label("パスワード（任意）").fill("ひみつ-2026")
    page.get_by_label("ダウンロード回数の上限（任意）").fill("2")
    assert axe_violations(page) == []
    screenshot(page, "sharing-delivery")
    page.get_by_role("button", name="リンクを作成").click()

    expect(page.get_by_role("heading", name="ゲストリンクを作成しました")).to_be_visible()
    url = page.get_by_label("ゲストリンクのURL").input_value()
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/g/[A-Za-z0-9_-]{32}", url), url
    page.get_by_role("button", name="コピー").click()
    expect(page.get_by_role("status").filter(has_text="コピーしました")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "sharing-link-created")
    link_page = page.get_by_role("link", name="リンクの詳細を開く").get_attribute("href")

    guest = new_page()
    response = guest.goto(url)
    assert response.headers["referrer-policy"] == "no-referrer"
    assert "noindex" in response.headers["x-robots-tag"]
    expect(guest.get_by_role("heading", name="このリンクはパスワードで保護されています")).to_be_visible()
    assert axe_violations(guest) == []
    screenshot(guest, "sharing-guest-password")
    guest.get_by_label("パスワード").fill("ひみつ-2026")
    guest.get_by_role("button", name="開く").click()
    expect(guest.get_by_role("heading", name="図面と見積書の送付")).to_be_visible()
    expect(guest.get_by_text("ご確認をお願いいたします。")).to_be_visible()
    assert axe_violations(guest) == []
    screenshot(guest, "sharing-guest-page")

    names = []
    for name in (JP_NAME, "drawing.dwg"):
        with guest.expect_download() as info:
            guest.get_by_role("link", name=name).click()
        download = info.value
        names.append(download.suggested_filename)
        assert download.failure() is None
    assert names == [JP_NAME, "drawing.dwg"]
    assert (tmp_path / "saved.pdf").exists() is False
    download.save_as(tmp_path / "saved.dwg")
    assert (tmp_path / "saved.dwg").read_bytes() == second.read_bytes()

    file_href = guest.get_by_role("link", name=JP_NAME).get_attribute("href")
    third = guest.goto(file_href)
    assert third.status == 410
    expect(guest.get_by_text("ダウンロード回数の上限に達しました")).to_be_visible()
    assert axe_violations(guest) == []
    screenshot(guest, "sharing-guest-410")

    page.goto(link_page)
    expect(page.get_by_role("heading", name="アクセス履歴")).to_be_visible()
    log = page.locator("table").last
    expect(log).to_contain_text(JP_NAME)
    expect(log).to_contain_text("drawing.dwg")
    expect(log).to_contain_text("Chrome")
    expect(page.get_by_text("上限到達")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "sharing-access-log")
