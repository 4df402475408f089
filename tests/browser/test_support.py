"""Issue 15 items 9, 11, 12 in Chromium: a user reports a fault (§13(4)), staff reply through
the queue, the admin sees the reply; a §20 business-transfer notice and a too-early §16
service change on the staff form; the §28(1) representation and the §23 notice on the
application form and the account page. axe finds nothing; screenshots at 1280 and 390 px."""
from __future__ import annotations

from datetime import date

from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, pass_second_factor, screenshot
from tests.factories import PASSWORD
from tests.lifecycle.helpers import freeze, setup_org


def _sign_in(pg, login_id):
    pg.goto("/sign-in")
    pg.get_by_label("ログインID").fill(login_id)
    pg.get_by_label("パスワード").fill(PASSWORD)
    pg.get_by_role("button", name="ログイン").click()
    pass_second_factor(pg, login_id)
    expect(pg.get_by_role("button", name="ログアウト")).to_be_visible()


def _both_widths(pg, name):
    assert axe_violations(pg) == []
    screenshot(pg, name)
    pg.set_viewport_size({"width": 390, "height": 844})
    assert pg.evaluate("document.documentElement.scrollWidth") <= 390, name
    screenshot(pg, f"{name}-390")
    pg.set_viewport_size({"width": 1280, "height": 900})


def test_a_user_reports_a_fault_staff_reply_and_the_admin_sees_it(page, new_page, app, make, db):
    freeze(date(2026, 12, 1))
    org, _admin, _contract = setup_org(make, login_id="fr-admin", name="株式会社エフアール")
    make.user(org, login_id="fr-user", name="報告 太郎")
    make.staff(login_id="fr-staff")
    db.session.commit()

    _sign_in(page, "fr-user")
    page.get_by_role("link", name="不具合の報告").first.click()
    page.get_by_role("link", name="不具合を報告する").click()
    expect(page.get_by_text("編集できません")).to_be_visible()
    page.get_by_label("対象のサービス").select_option(label="IMAGE WORKS (スタンダード)")
    page.get_by_label("件名").fill("大きなファイルのアップロードが完了しない")
    page.get_by_label("不具合の内容").fill("2GBのファイルが99%で止まります。\n別のブラウザでも同じです。")
    _both_widths(page, "support-fault-new")
    page.get_by_role("button", name="報告を送信する").click()
    expect(page.locator(".flash--success")).to_contain_text("受け付けました")
    expect(page.locator("main")).to_contain_text("受付")
    reference = page.locator("h1").inner_text().split(":")[0]

    staff = new_page()
    _sign_in(staff, "fr-staff")
    staff.goto("/staff/")
    staff.get_by_role("link", name="弊社の対応待ちの不具合の報告").click()
    _both_widths(staff, "support-staff-queue")
    staff.get_by_role("link", name=reference).click()
    staff.get_by_label("状態").select_option(label="回答済")
    staff.get_by_label("回答（お客様の管理者と報告者に表示されます）").fill(
        "ご不便をおかけしております。1GBずつに分けてアップロードいただくと回避できます。")
    _both_widths(staff, "support-staff-detail")
    staff.get_by_role("button", name="保存してメール送信").click()
    expect(staff.locator("main")).to_contain_text("回答を保存し")

    admin = new_page()
    _sign_in(admin, "fr-admin")
    admin.goto("/support/faults")
    expect(admin.locator("main")).to_contain_text("報告 太郎")
    _both_widths(admin, "support-admin-list")
    admin.get_by_role("link", name=reference).click()
    expect(admin.locator("main")).to_contain_text("1GBずつに分けて")
    expect(admin.locator("main")).to_contain_text("回答済")
    _both_widths(admin, "support-admin-detail")


def test_staff_draft_a_service_change_too_early_and_a_business_transfer(page, app, make, db):
    freeze(date(2026, 12, 2))
    org = make.org("株式会社エー")
    make.user(org, login_id="nt-user")
    make.staff(login_id="nt-staff")
    db.session.commit()
    _sign_in(page, "nt-staff")
    page.goto("/staff/notices/new")
    page.get_by_label("種別").select_option(label="サービス変更")
    page.get_by_label("件名（日本語）").fill("画面デザイン変更のお知らせ")
    page.get_by_label("本文（日本語）").fill("操作画面のデザインを変更します。")
    page.get_by_label("適用日").fill("2026-12-02")
    page.get_by_label("操作の理由（スタッフ操作記録）").fill("画面改修の告知")
    page.get_by_role("button", name="お知らせを保存").click()
    expect(page.locator("#effective_date-error")).to_contain_text("第16条")
    expect(page.get_by_label("件名（日本語）")).to_have_value("画面デザイン変更のお知らせ")
    _both_widths(page, "notices-service-change-refused")

    page.get_by_label("種別").select_option(label="事業譲渡")
    page.get_by_label("適用日").fill("2027-01-05")
    page.get_by_label("譲受人（事業譲渡の場合）").fill("株式会社ユズリウケ")
    page.get_by_label("件名（日本語）").fill("事業譲渡のお知らせ")
    page.get_by_role("button", name="お知らせを保存").click()
    expect(page.locator("main")).to_contain_text("お知らせを掲載しました")

    user = page.context.browser.new_context(base_url=page.url.split("/staff")[0], locale="ja-JP",
                                            timezone_id="Asia/Tokyo").new_page()
    _sign_in(user, "nt-user")
    user.goto("/system-information")
    expect(user.locator("main")).to_contain_text("第20条")
    user.get_by_role("link", name="事業譲渡のお知らせ").click()
    expect(user.locator("main")).to_contain_text("登録情報等")
    _both_widths(user, "notices-business-transfer")
    user.context.close()


def test_application_form_and_account_page_show_28_and_23(page, app, make, db):
    freeze(date(2026, 12, 1))
    make.price_list()
    make.terms_version()
    org = make.org()
    make.user(org, role="admin", login_id="pv-admin")
    db.session.commit()
    page.goto("/apply")
    page.get_by_role("button", name="申し込む").click()
    expect(page.locator("#antisocial-error")).to_contain_text("第28条(1)")
    expect(page.get_by_role("heading", name="個人情報の取り扱いについて")).to_be_visible()
    _both_widths(page, "apply-antisocial-privacy")
    _sign_in(page, "pv-admin")
    page.goto("/account")
    expect(page.get_by_role("heading", name="個人情報の取り扱いについて")).to_be_visible()
    _both_widths(page, "account-privacy")
