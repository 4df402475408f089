"""Lifecycle area (SPEC §3.3–§3.5): a customer admin and a staff member walk a plan change and
two cancellations (with and without the early-termination lump sum) through the real pages in
Chromium; the daily job applies them on the right day and the mails reach the loopback SMTP
server."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from playwright.sync_api import expect

from portal.daily import run_daily
from portal.lifecycle.models import CancellationNotice
from portal.mail import deliver_pending
from tests.browser.conftest import axe_violations, pass_second_factor, screenshot
from tests.factories import PASSWORD
from tests.lifecycle.helpers import freeze, setup_org

TODAY = date(2026, 11, 25)


def _sign_in(pg, login_id):
    pg.goto("/sign-in")
    pg.get_by_label("ログインID").fill(login_id)
    pg.get_by_label("パスワード").fill(PASSWORD)
    pg.get_by_role("button", name="ログイン").click()
    pass_second_factor(pg, login_id)
    expect(pg.get_by_role("button", name="ログアウト")).to_be_visible()


def _setup(make, db):
    freeze(TODAY)
    org, admin, contract = setup_org(make)
    make.staff(login_id="lc-staff")
    db.session.commit()
    return org, admin, contract


def test_plan_change_through_customer_and_staff_pages(page, new_page, app, make, db, smtp):
    org, admin, contract = _setup(make, db)
    _sign_in(page, "lc-admin")
    page.goto("/contracts")
    page.get_by_role("link", name="プラン変更・解約・更新").click()
    expect(page.get_by_role("heading", name="IMAGE WORKS スタンダード")).to_be_visible()
    expect(page.get_by_text("第5条(5)").first).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "lifecycle-contract")

    page.get_by_role("link", name="プラン変更を申し込む").click()
    page.get_by_label("変更後のプラン").select_option(label="プレミアム（月額¥120,000）")
    page.get_by_label("変更希望日").fill("2026-12-01")
    page.get_by_role("button", name="申し込む").click()
    expect(page.locator(".field__error")).to_contain_text("第14条(1)")
    expect(page.locator(".field__error")).to_contain_text("2026年12月5日(土)")
    assert axe_violations(page) == []
    screenshot(page, "lifecycle-plan-change-error")
    page.get_by_label("変更希望日").fill("2026-12-10")
    page.get_by_role("button", name="申し込む").click()
    expect(page.get_by_text("プラン変更のお申し込みを送信しました。")).to_be_visible()
    expect(page.get_by_text("弊社確認待ち").first).to_be_visible()
    screenshot(page, "lifecycle-plan-change-requested")

    staff = new_page()
    _sign_in(staff, "lc-staff")
    staff.goto("/staff/lifecycle/")
    expect(staff.get_by_role("cell", name="株式会社ライフ").first).to_be_visible()
    assert axe_violations(staff) == []
    screenshot(staff, "lifecycle-staff-queue")
    staff.get_by_role("link", name="スタンダード → プレミアム").click()
    staff.get_by_label("適用日").fill("2026-12-15")
    staff.get_by_label("操作の理由（スタッフ操作記録）").fill("在庫を確認しました。")
    assert axe_violations(staff) == []
    screenshot(staff, "lifecycle-staff-plan-change")
    staff.get_by_role("button", name="合意する").click()
    expect(staff.get_by_text("適用日を合意し、お客様にメールを送信しました。")).to_be_visible()

    run_daily(date(2026, 12, 14))
    db.session.commit()
    db.session.refresh(contract)
    assert contract.plan.code == "standard"
    run_daily(date(2026, 12, 15))
    db.session.commit()
    db.session.refresh(contract)
    assert contract.plan.code == "premium"
    freeze(date(2026, 12, 15))  # the session has idled out by then: sign in again
    _sign_in(page, "lc-admin")
    page.goto(f"/contracts/{contract.id}/lifecycle")
    expect(page.get_by_role("heading", name="IMAGE WORKS プレミアム")).to_be_visible()

    deliver_pending()
    subjects = [msg["Subject"] for _, msg in smtp.messages]
    assert "【カスタマーポータル】プラン変更のお申し込みを受け付けました" in subjects
    assert "【カスタマーポータル】プラン変更は2026年12月15日(火)に適用されます" in subjects


def _give_notice(page, contract, *, minimum_term: bool):
    page.goto(f"/contracts/{contract.id}/lifecycle")
    page.get_by_role("link", name="解約を申し込む").click()
    expect(page.get_by_role("heading", name="解約のお申し込み")).to_be_visible()
    if minimum_term:
        page.get_by_label("満了日で解約する（一括料金なし）").check()
    else:
        page.get_by_label("最終利用日", exact=True).fill("2026-12-20")
        page.get_by_role("button", name="見積もりを表示").click()
        expect(page.locator(".field__error")).to_contain_text("第14条(3)")
        page.get_by_label("最終利用日", exact=True).fill("2026-12-25")
    page.get_by_role("button", name="見積もりを表示").click()
    quote = page.get_by_role("region", name="見積もり")
    expect(quote).to_be_visible()
    return quote


def test_cancellation_with_the_lump_sum(page, new_page, app, make, db, smtp):
    org, admin, contract = _setup(make, db)
    _sign_in(page, "lc-admin")
    quote = _give_notice(page, contract, minimum_term=False)
    expect(quote).to_contain_text("¥180,000")
    expect(quote).to_contain_text("2026年12月1日(火)〜2026年12月31日(木)")
    expect(quote).to_contain_text("2027年3月31日(水)")
    expect(quote).to_contain_text("第14条(4)")
    assert axe_violations(page) == []
    screenshot(page, "lifecycle-cancellation-quote-lump-sum")
    page.get_by_role("button", name="解約を申し込む").click()
    expect(page.get_by_text("解約のお申し込みを受け付けました。")).to_be_visible()
    screenshot(page, "lifecycle-cancellation-given")

    staff = new_page()
    _sign_in(staff, "lc-staff")
    staff.goto("/staff/lifecycle/")
    staff.get_by_label("操作の理由（スタッフ操作記録）").first.fill("書面の内容を確認しました。")
    staff.get_by_role("button", name="解約を確認する").click()
    expect(staff.get_by_text("解約のお申し込みを確認し、お客様にメールを送信しました。")).to_be_visible()
    page.reload()
    expect(page.get_by_role("button", name="解約のお申し込みを取り下げる")).to_have_count(0)

    run_daily(date(2026, 12, 25))
    db.session.commit()
    db.session.refresh(contract)
    assert contract.status == "notice_given"
    run_daily(date(2026, 12, 26))
    db.session.commit()
    db.session.refresh(contract)
    assert contract.status == "ended"

    deliver_pending()
    received = {(tuple(rcpts), msg["Subject"]) for rcpts, msg in smtp.messages}
    assert (("lc-admin@example.co.jp",), "【カスタマーポータル】解約のお申し込みを受け付けました") in received
    assert (("lc-admin@example.co.jp",), "【カスタマーポータル】ご契約が終了しました") in received


def test_cancellation_on_the_minimum_term_end_without_lump_sum(page, app, make, db, smtp):
    org, admin, contract = _setup(make, db)
    _sign_in(page, "lc-admin")
    quote = _give_notice(page, contract, minimum_term=True)
    expect(quote).to_contain_text("2027年3月31日(水)")
    expect(quote.locator("dt:has-text('一括料金') + dd")).to_have_text("なし")
    screenshot(page, "lifecycle-cancellation-quote-minimum-term")
    page.get_by_role("button", name="解約を申し込む").click()
    expect(page.get_by_text("解約のお申し込みを受け付けました。")).to_be_visible()
    notice = db.session.scalar(sa.select(CancellationNotice))
    assert (notice.last_day, notice.early_termination_fee) == (date(2027, 3, 31), 0)

    page.get_by_role("button", name="解約のお申し込みを取り下げる").click()
    expect(page.get_by_text("解約のお申し込みを取り下げました。")).to_be_visible()
    db.session.expire_all()
    assert db.session.scalar(sa.select(CancellationNotice)).status == "withdrawn"
    deliver_pending()
    subjects = [msg["Subject"] for _, msg in smtp.messages]
    assert "【カスタマーポータル】解約のお申し込みを取り下げました" in subjects
