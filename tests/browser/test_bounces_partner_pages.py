"""Issue 15 items 5 and 6 in Chromium: a notification address that bounced (a delivery status
notification recorded) on the admin's home page and in the staff queue, and the approval form
of a reseller application with the partner contact field; axe finds nothing, screenshots at
1280 px and 390 px."""
from __future__ import annotations

from datetime import datetime, timezone

import sqlalchemy as sa
from playwright.sync_api import expect

from portal import clock
from portal.applications.models import Application
from portal.mail import queue_mail
from portal.notices.models import MailBounce
from tests.applications.conftest import catalog, form_data  # noqa: F401  (the fixture)
from tests.browser.conftest import axe_violations, pass_second_factor, screenshot
from tests.factories import PASSWORD


def _sign_in(pg, login_id):
    pg.goto("/sign-in")
    pg.get_by_label("ログインID").fill(login_id)
    pg.get_by_label("パスワード").fill(PASSWORD)
    pg.get_by_role("button", name="ログイン").click()
    pass_second_factor(pg, login_id)
    expect(pg.get_by_role("button", name="ログアウト")).to_be_visible()


def _both_widths(pg, name):
    screenshot(pg, name)
    pg.set_viewport_size({"width": 390, "height": 844})
    screenshot(pg, f"{name}-390")
    assert pg.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    pg.set_viewport_size({"width": 1280, "height": 900})


def test_a_bounced_address_on_the_admin_home_and_in_the_staff_queue(page, app, make, db):
    clock.set_frozen(datetime(2026, 12, 2, 1, 0, tzinfo=timezone.utc))
    org = make.org("株式会社バウンス")
    make.contract(org)
    make.user(org, role="admin", login_id="bounce-admin")
    make.staff(login_id="bounce-ops")
    address = make.notification_address(org, "soumu@bounce-customer.example.jp")
    mail = queue_mail("notice", address.email, "test_mail", organization_id=org.id,
                      requested_by="x", created_at=None)
    db.session.flush()
    db.session.add(MailBounce(
        organization_id=org.id, outbox_mail_id=mail.id, email=address.email,
        final_recipient=address.email, status="5.1.1", matched_by="return_path",
        diagnostic="smtp; 550 5.1.1 <soumu@bounce-customer.example.jp>: Recipient address "
                   "rejected: User unknown in local recipient table",
        mail_created_at=mail.created_at, report_hash="b" * 64))
    db.session.commit()
    _sign_in(page, "bounce-admin")
    warning = page.get_by_role("alert").filter(has_text="soumu@bounce-customer.example.jp")
    expect(warning).to_contain_text("再度確認が済むまで")
    assert axe_violations(page) == []
    _both_widths(page, "bounce-admin-home")
    page.get_by_role("button", name="ログアウト").click()
    _sign_in(page, "bounce-ops")
    page.get_by_role("link", name="バウンスした通知先メールアドレス").click()
    expect(page.get_by_role("table")).to_contain_text("5.1.1")
    expect(page.get_by_role("table")).to_contain_text("株式会社バウンス")
    assert axe_violations(page) == []
    _both_widths(page, "bounce-staff-queue")


def test_the_approval_form_of_a_reseller_application_asks_for_the_partner_contact(
        page, app, client, make, db, catalog):  # noqa: F811
    make.staff(login_id="partner-ops")
    clock.set_frozen(datetime(2026, 11, 25, 1, 0, tzinfo=timezone.utc))
    client.post("/apply", data=form_data(client, catalog, channel="reseller",
                                         partner_name="デモ販売株式会社"))
    application = db.session.scalar(sa.select(Application))
    _sign_in(page, "partner-ops")
    page.goto(f"/staff/applications/{application.id}")
    field = page.get_by_label("販売店の連絡先メールアドレス")
    expect(field).to_be_visible()
    expect(page.locator("main")).to_contain_text("デモ販売株式会社 のご担当者の連絡先です")
    assert axe_violations(page) == []
    _both_widths(page, "partner-approval-form")
    field.fill("sales@demo-hanbai.example.jp")
    page.get_by_label("操作の理由（スタッフ操作記録）").fill("審査を完了しました。")
    page.get_by_role("button", name="承認して利用開始通知を送信").click()
    expect(page.get_by_role("status").first).to_contain_text("承認")
