"""From application to first sign-in in a real browser: an applicant applies for IMAGE WORKS
and IMAGE WORKS PRus (the postal code fills the address via static/js/applications.js), staff
approve it, the usage-start notice (§5(1)) and the invitation arrive at the loopback SMTP
server, the new admin accepts the invitation and sees the contracts page with its dates; an
applicant abroad is refused PRus citing §31(5)."""
from __future__ import annotations

import re
from datetime import datetime, timezone

from playwright.sync_api import expect

from portal import clock
from portal.extensions import db
from portal.mail import deliver_pending
from tests import factories
from tests.browser.conftest import axe_violations, pass_second_factor, screenshot

NOW = datetime(2026, 11, 25, 3, 0, tzinfo=timezone.utc)  # Wed 25 Nov 2026, 12:00 JST
PASSWORD = "correct-horse-battery-staple-2026"


def _catalog():
    services = factories.price_list()
    factories.terms_version()
    factories.staff(login_id="ops")
    db.session.commit()
    return {code: {p.code: p for p in s.plans} for code, s in services.items()}


def _fill_applicant(page, *, country="JP"):
    page.get_by_label("会社名", exact=True).fill("株式会社ブラウザ商事")
    page.get_by_label("会社名（フリガナ）").fill("カブシキガイシャ ブラウザショウジ")
    page.get_by_label("代表者名").fill("代表 一郎")
    page.get_by_label("国", exact=True).select_option(country)
    page.get_by_label("ご担当者", exact=True).fill("担当 花子")
    page.get_by_label("ご担当者のメールアドレス").fill("hanako@browser.example.jp")


def test_apply_approve_mails_invitation_and_contracts(page, new_page, app, smtp):
    clock.set_frozen(NOW)
    catalog = _catalog()
    page.goto("/apply")
    expect(page.get_by_role("heading", name="サービスのお申し込み")).to_be_visible()
    _fill_applicant(page)
    page.get_by_label("郵便番号").fill("100-0005")
    # The script fills prefecture and city from Japan Post data as the code is typed.
    expect(page.get_by_label("都道府県")).to_have_value("東京都")
    expect(page.get_by_label("市区町村")).to_have_value("千代田区")
    expect(page.get_by_label("町域・番地")).to_have_value("丸の内")
    page.get_by_label("町域・番地").fill("丸の内1-1-1")
    page.get_by_label("電話番号").fill("03-1234-5678")
    page.get_by_label("IMAGE WORKS", exact=True).select_option(str(catalog["image_works"]["standard"].id))
    page.get_by_label("IMAGE WORKS PRus").select_option(str(catalog["image_works_prus"]["standard"].id))
    assert axe_violations(page) == []
    screenshot(page, "onboarding-apply")
    page.get_by_label("利用規約を読み、同意します。").check()
    page.get_by_label("反社会的勢力に該当しないこと").check()  # §28(1)
    page.get_by_role("button", name="申し込む").click()

    expect(page.get_by_role("heading", name="お申し込み状況")).to_be_visible()
    reference = page.locator("dd strong").inner_text()
    assert re.fullmatch(r"APP-2026-[0-9A-Z]{6}", reference)
    expect(page.get_by_text("2026年12月2日(水)（お申し込みから5営業日、第5条(2)）")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "onboarding-submitted")

    staff = new_page()
    staff.goto("/sign-in")
    staff.get_by_label("ログインID").fill("ops")
    staff.get_by_label("パスワード").fill(factories.PASSWORD)
    staff.get_by_role("button", name="ログイン").click()
    pass_second_factor(staff, "ops")
    staff.goto("/staff/applications")
    assert axe_violations(staff) == []
    screenshot(staff, "onboarding-staff-queue")
    staff.get_by_role("link", name=reference).click()
    expect(staff.get_by_label("利用開始日")).to_have_value("2026-11-26")  # next business day
    staff.get_by_label("利用開始日").fill("2026-12-01")
    staff.get_by_label("操作の理由（スタッフ操作記録）").fill("審査を完了しました。")
    assert axe_violations(staff) == []
    screenshot(staff, "onboarding-staff-detail")
    staff.get_by_role("button", name="承認して利用開始通知を送信").click()
    expect(staff.get_by_text(f"お申し込み {reference} を承認しました。")).to_be_visible()

    with app.app_context():
        deliver_pending()
    mails = {m["Subject"]: (rcpts, m.get_content()) for rcpts, m in smtp.messages}
    notice = next(body for subject, (_, body) in mails.items() if "利用開始通知" in subject)
    assert "2026年12月1日" in notice and "第5条(1)" in notice
    invitation = next(body for subject, (rcpts, body) in mails.items()
                      if "招待" in subject and rcpts == ["hanako@browser.example.jp"])
    token_path = re.search(r"/invitations/\S+", invitation).group(0)

    page.goto(token_path)
    page.get_by_label("ログインID").fill("hanako")
    page.get_by_label("新しいパスワード", exact=True).fill(PASSWORD)
    page.get_by_label("新しいパスワード（確認）").fill(PASSWORD)
    page.get_by_label("利用規約に同意します").check()
    page.get_by_label("私は日本国内に居住しています").check()
    page.get_by_role("button", name="アカウントを作成").click()
    expect(page.get_by_text("ようこそ。アカウントを作成しました。")).to_be_visible()

    page.get_by_role("link", name="ご契約").click()
    expect(page.get_by_role("heading", name="ご契約")).to_be_visible()
    section = page.get_by_role("region", name="IMAGE WORKS スタンダード")
    expect(section).to_contain_text("2026年12月1日(火)")           # start date
    expect(section).to_contain_text("2027年11月30日(火) (第5条(5))")  # 満了日
    expect(section).to_contain_text("2027年12月1日(水)")           # next renewal
    expect(section).to_contain_text("2027年10月31日(日)")          # notice deadline
    expect(page.get_by_role("region", name="IMAGE WORKS PRus スタンダード")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "onboarding-contracts")


def test_applicant_abroad_is_refused_prus_citing_31_5(page, app):
    clock.set_frozen(NOW)
    catalog = _catalog()
    page.goto("/apply")
    _fill_applicant(page, country="US")
    page.get_by_label("郵便番号").fill("10001")
    page.get_by_label("市区町村").fill("New York")
    page.get_by_label("町域・番地").fill("350 5th Ave")
    page.get_by_label("電話番号").fill("+1 212 736 3100")
    page.get_by_label("IMAGE WORKS PRus").select_option(str(catalog["image_works_prus"]["standard"].id))
    page.get_by_label("利用規約を読み、同意します。").check()
    page.get_by_label("反社会的勢力に該当しないこと").check()  # §28(1)
    page.get_by_role("button", name="申し込む").click()
    error = page.locator("#plan_image_works_prus-error")
    expect(error).to_contain_text("第31条(5)")
    expect(error).to_contain_text("所在国が日本ではありません")
    expect(page.get_by_label("会社名", exact=True)).to_have_value("株式会社ブラウザ商事")
    assert axe_violations(page) == []
    screenshot(page, "onboarding-prus-refused")

    # The other services remain open to applicants abroad.
    page.get_by_label("IMAGE WORKS PRus").select_option("")
    page.get_by_label("SECURE DELIVER").select_option(str(catalog["secure_deliver"]["basic"].id))
    page.get_by_label("利用規約を読み、同意します。").check()
    page.get_by_label("反社会的勢力に該当しないこと").check()  # §28(1)
    page.get_by_role("button", name="申し込む").click()
    expect(page.get_by_role("heading", name="お申し込み状況")).to_be_visible()
