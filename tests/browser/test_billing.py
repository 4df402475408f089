"""Billing in Chromium: a customer admin opens an invoice and downloads its PDF; staff record
a payment and the overdue mark disappears. Pages pass axe-core; screenshots at 1280 and 390 px."""
from __future__ import annotations

import re
from datetime import date

from playwright.sync_api import expect

from portal.demo import load_demo
from portal.extensions import db
from tests.billing.helpers import freeze
from tests.browser.conftest import axe_violations, pass_second_factor, screenshot

TODAY = date(2026, 12, 7)


def _demo():
    freeze(TODAY)
    creds = {c.role: c for c in load_demo()}
    db.session.commit()
    return creds


def _sign_in(page, cred):
    page.goto("/sign-in")
    page.get_by_label("ログインID").fill(cred.login_id)
    page.get_by_label("パスワード").fill(cred.password)
    page.get_by_role("button", name="ログイン").click()
    pass_second_factor(page, cred.login_id)


def test_admin_opens_an_invoice_and_downloads_its_pdf(page, app, tmp_path):
    creds = _demo()
    _sign_in(page, creds["admin"])
    expect(page.get_by_role("heading", name="請求")).to_be_visible()  # the home page's card
    expect(page.locator(".overdue-mark").first).to_contain_text("期限超過")
    page.get_by_role("navigation").get_by_role("link", name="請求書").click()
    expect(page.get_by_role("heading", name="請求書", exact=True)).to_be_visible()
    expect(page.get_by_text("期限超過").first).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "billing-invoices")
    page.get_by_role("link", name="INV-000002").click()
    expect(page.get_by_role("heading", name=re.compile("請求書 INV-000002"))).to_be_visible()
    expect(page.get_by_text("T3010401099999")).to_be_visible()
    expect(page.get_by_text("第8条(3)").first).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "billing-invoice")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "billing-invoice-390")
    with page.expect_download() as info:
        page.get_by_role("link", name="PDFをダウンロード").click()
    download = info.value
    assert download.suggested_filename == "INV-000002.pdf"
    path = tmp_path / "invoice.pdf"
    download.save_as(path)
    assert path.read_bytes().startswith(b"%PDF")


def test_staff_record_a_payment_and_the_overdue_mark_disappears(page, app):
    creds = _demo()
    _sign_in(page, creds["staff"])
    page.goto("/staff/billing/invoices?status=overdue")
    row = page.get_by_role("row").filter(has_text="INV-000002")
    expect(row.locator(".overdue-mark")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "billing-staff-overdue")
    row.get_by_role("link", name="INV-000002").click()
    page.get_by_role("link", name="入金を記録").first.click()
    expect(page.get_by_label("請求書番号")).to_have_value("INV-000002")
    page.get_by_label("入金日").fill("2026-12-07")
    page.get_by_label("金額（円）").fill("-1")
    page.get_by_label("照合番号（銀行の取引番号など）").fill("20261207-0001")
    page.get_by_label("操作の理由（スタッフ操作記録）").fill("振込明細を確認")
    page.get_by_role("button", name="入金を記録する").click()
    expect(page.get_by_text("1円以上の金額を入力してください。").first).to_be_visible()
    expect(page.get_by_label("照合番号（銀行の取引番号など）")).to_have_value("20261207-0001")
    page.get_by_label("金額（円）").fill("66000")
    page.get_by_role("button", name="入金を記録する").click()
    expect(page.get_by_text("入金を記録しました。")).to_be_visible()
    expect(page.locator(".overdue-mark")).to_have_count(0)
    expect(page.locator(".badge--ok")).to_contain_text("支払済")
    screenshot(page, "billing-staff-paid")
    page.goto("/staff/billing/invoices")
    expect(page.get_by_role("row").filter(has_text="INV-000002").locator(".overdue-mark")).to_have_count(0)


def test_staff_schedule_a_fee_change_under_a_notice_and_see_the_cap(page, app, make):
    creds = _demo()
    freeze(date(2026, 10, 1))
    make.notice(category="fee_change", title_ja="料金改定のお知らせ",
                effective_date=date(2026, 12, 10))
    freeze(TODAY)
    _sign_in(page, creds["staff"])
    page.goto("/staff/price-list")
    page.get_by_role("link", name=re.compile("スタンダード")).first.click()
    page.get_by_role("link", name="料金を変更").click()
    page.get_by_label("変更後の月額料金（円・税抜）").fill("66000")
    page.get_by_label("適用日").fill("2027-02-01")
    page.get_by_label("操作の理由（スタッフ操作記録）").fill("料金改定")
    page.get_by_role("button", name="料金変更を登録する").click()
    expect(page.get_by_text("料金変更を登録しました。")).to_be_visible()
    expect(page.get_by_role("cell", name="¥66,000")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "billing-fee-change")
    page.goto("/staff/billing/invoices")
    page.get_by_role("link", name="損害賠償の上限").first.click()
    page.get_by_label("事由が生じた日").fill("2026-12-07")
    page.get_by_role("button", name="計算する").click()
    expect(page.get_by_role("cell", name=re.compile("第27条\\(1\\)"))).to_have_count(2)
    assert axe_violations(page) == []
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "billing-liability-390")
