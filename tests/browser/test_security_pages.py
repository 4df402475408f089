"""Issue 14 in a real browser: the staff outbox page of a pending invitation shows its
metadata and a redacted body, never the link; the link form offers a generated password
(screenshots at 1280 and 390 px, axe-clean)."""
from __future__ import annotations

import re

import sqlalchemy as sa
from playwright.sync_api import expect

from portal.accounts.users import invitations
from portal.extensions import db
from portal.mail import OutboxMail
from tests import factories
from tests.browser.conftest import axe_violations, pass_second_factor, screenshot


def test_staff_outbox_shows_a_pending_invitation_without_its_link(page, app):
    org = factories.org("株式会社ひみつ")
    factories.contract(org, "image_works", "light")
    admin = factories.user(org, role="admin", login_id="boss")
    factories.staff(login_id="ops")
    _, token = invitations.create_invitation(org, email="new@example.co.jp", role="admin",
                                             invited_by=admin)
    db.session.commit()
    mail_id = db.session.scalar(sa.select(OutboxMail.id).where(OutboxMail.kind == "invitation"))

    page.goto("/sign-in")
    page.get_by_label("ログインID").fill("ops")
    page.get_by_label("パスワード").fill(factories.PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    pass_second_factor(page, "ops")
    page.goto(f"/staff/outbox/{mail_id}")
    expect(page.get_by_text("new@example.co.jp")).to_be_visible()
    expect(page.get_by_text("リンクは表示されません").first).to_be_visible()
    assert token not in page.content() and "/invitations/" not in page.content()
    assert axe_violations(page) == []
    screenshot(page, "security-staff-outbox-mail")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "security-staff-outbox-mail-390")


def test_the_link_form_offers_a_generated_password(page, app, tmp_path):
    app.config["STORAGE_DIR"] = str(tmp_path / "storage")
    org = factories.org("株式会社ファイル便")
    factories.contract(org, "secure_deliver")
    factories.user(org, login_id="sender")
    db.session.commit()
    upload = tmp_path / "資料.pdf"
    upload.write_bytes(b"%PDF-1.4 data")
    page.goto("/sign-in")
    page.get_by_label("ログインID").fill("sender")
    page.get_by_label("パスワード").fill(factories.PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.goto("/deliveries/new")
    page.get_by_label("件名").fill("資料の送付")
    page.get_by_label("ファイル", exact=True).set_input_files([str(upload)])
    page.get_by_role("button", name=re.compile("送信|アップロード|作成")).first.click()
    hint = page.get_by_text("自動生成したパスワードの例")
    expect(hint).to_be_visible()
    suggestion = re.search(r"[A-Za-z2-9]{4}(-[A-Za-z2-9]{4}){3}", hint.inner_text())[0]
    page.get_by_label("パスワード（任意）").fill("short")
    page.get_by_role("button", name=re.compile("リンクを作成")).click()
    expect(page.get_by_text("8文字以上").first).to_be_visible()
    screenshot(page, "security-link-password-short")
    page.get_by_label("パスワード（任意）").fill(suggestion)
    page.get_by_role("button", name=re.compile("リンクを作成")).click()
    expect(page.locator("input[value*='/g/']").first).to_be_attached()
    assert axe_violations(page) == []
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "security-link-created-390")
