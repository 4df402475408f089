"""The provider's powers in Chromium: staff suspend an organization while one of its users is
signed in — the user's next page is the suspension page and their guest's link answers 410;
staff resume and both work again; an admin turns the §24(6) AI-training consent on and sees
it in the log."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from portal.extensions import db
from tests import factories
from tests.browser.conftest import axe_violations, pass_second_factor, screenshot


def _sign_in(pg, login_id):
    pg.goto("/sign-in")
    pg.get_by_label("ログインID").fill(login_id)
    pg.get_by_label("パスワード").fill(factories.PASSWORD)
    pg.get_by_role("button", name="ログイン").click()
    pass_second_factor(pg, login_id)


def test_suspend_and_resume_while_a_user_is_signed_in(page, new_page, app, tmp_path):
    app.config["STORAGE_DIR"] = str(tmp_path / "storage")
    org = factories.org("株式会社停止テスト")
    factories.contract(org, "secure_deliver")
    factories.user(org, login_id="sender", name="送信 太郎")
    factories.user(org, role="admin", login_id="boss", name="管理 花子")
    factories.staff(login_id="ops")
    db.session.commit()
    doc = tmp_path / "見積書.pdf"
    doc.write_bytes(b"%PDF-1.4 " + b"x" * 500)

    _sign_in(page, "sender")
    page.get_by_role("link", name="配信", exact=True).click()
    page.get_by_role("link", name="新しい配信").click()
    page.get_by_label("件名").fill("見積書の送付")
    page.get_by_label("ファイル", exact=True).set_input_files([str(doc)])
    page.get_by_role("button", name="アップロードして保存").click()
    page.get_by_role("button", name="リンクを作成").click()
    url = page.get_by_label("ゲストリンクのURL").input_value()
    guest = new_page()
    assert guest.goto(url).status == 200

    staff = new_page()
    _sign_in(staff, "ops")
    staff.goto("/staff/organizations")
    staff.get_by_role("link", name="株式会社停止テスト").click()
    staff.get_by_label("根拠条項").select_option("§9(2)")
    staff.get_by_label("理由", exact=True).fill("大量アップロードによる過負荷が是正されないため。")
    assert axe_violations(staff) == []
    screenshot(staff, "oversight-staff-organization")
    staff.get_by_role("button", name="この組織の利用を停止する").click()
    expect(staff.get_by_text("組織の利用を停止しました（第9条(2)）。")).to_be_visible()

    response = page.goto("/deliveries")
    assert response.status == 403
    expect(page.get_by_role("heading", name="サービスのご利用を停止しています")).to_be_visible()
    expect(page.get_by_text("大量アップロードによる過負荷が是正されないため。")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "oversight-suspended")
    assert guest.goto(url).status == 410

    staff.get_by_label("利用再開の理由").fill("是正を確認しました。")
    staff.get_by_role("button", name="この組織の利用を再開する").click()
    expect(staff.get_by_text("組織の利用を再開しました。")).to_be_visible()
    assert page.goto("/deliveries").status == 200
    assert guest.goto(url).status == 200

    admin = new_page()
    _sign_in(admin, "boss")
    admin.goto("/organization")
    admin.get_by_role("link", name="弊社による操作履歴").click()
    rows = admin.get_by_role("row")
    expect(rows.filter(has_text="利用停止")).to_have_count(1)
    expect(rows.filter(has_text="利用再開")).to_have_count(1)
    assert axe_violations(admin) == []
    screenshot(admin, "oversight-provider-actions")


def test_the_consent_toggle_and_its_log(page):
    org = factories.org("株式会社同意テスト")
    factories.user(org, role="admin", login_id="boss2", name="管理 次郎")
    db.session.commit()
    _sign_in(page, "boss2")
    page.goto("/organization")
    page.get_by_role("link", name="AI学習へのデータ利用").click()
    expect(page.get_by_text("現在の設定： 同意しない")).to_be_visible()
    checkbox = page.get_by_label(re.compile("生成AIの学習に利用することに同意する"))
    expect(checkbox).not_to_be_checked()
    checkbox.check()
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("設定を保存し、変更履歴に記録しました。")).to_be_visible()
    expect(page.get_by_text("現在の設定： 同意する")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="管理 次郎").filter(has_text="同意する")).to_have_count(1)
    assert axe_violations(page) == []
    screenshot(page, "oversight-consent")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "oversight-consent-390")


def test_the_statistics_page_with_its_charts(page):
    from datetime import timedelta

    from portal import clock
    from portal.accounts.audit import record_event
    from portal.domain import ClientInfo

    now = clock.now_utc()
    users = []
    for plan, n in (("standard", 7), (None, 5), ("premium", 2)):
        for i in range(n):
            org = factories.org(f"統計{plan}{i}株式会社")
            factories.contract(org, "image_works", plan)
            users.append(factories.user(org, login_id=f"st-{plan}-{i}"))
    for day in range(30):
        active = users[:2] if day % 9 == 4 else users[: 5 + (day * 3) % 10]
        for u in active:
            record_event("sign_in", ClientInfo(), user=u).occurred_at = now - timedelta(days=day)
    factories.staff(login_id="ops-stats")
    db.session.commit()
    _sign_in(page, "ops-stats")
    page.get_by_role("link", name="利用統計").click()
    expect(page.get_by_role("heading", name="利用統計", exact=True)).to_be_visible()
    expect(page.locator("svg.chart")).to_have_count(4)  # plans, sign-ins, browsers, OS
    expect(page.get_by_text("統計standard0株式会社")).to_have_count(0)
    assert axe_violations(page) == []
    screenshot(page, "oversight-statistics")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "oversight-statistics-390")
    with page.expect_download() as info:
        page.get_by_role("link", name="CSVでダウンロード").click()
    assert info.value.suggested_filename.startswith("usage-statistics-")


def test_the_banner_for_a_browser_outside_the_list(browser, live_server):
    from portal.oversight.models import RecommendedBrowser

    db.session.add(RecommendedBrowser(family="chrome", name="Google Chrome", systems="Windows 11"))
    db.session.commit()
    context = browser.new_context(
        base_url=live_server, locale="ja-JP", timezone_id="Asia/Tokyo",
        user_agent="Mozilla/5.0 (Windows NT 10.0; WOW64; Trident/7.0; rv:11.0) like Gecko")
    try:
        pg = context.new_page()
        pg.goto("/sign-in")
        banner = pg.get_by_role("complementary", name="ご利用推奨環境")
        expect(banner).to_contain_text("推奨環境ではないため")
        assert axe_violations(pg) == []
        screenshot(pg, "oversight-browser-banner")
        banner.get_by_role("link", name="推奨環境を確認する").click()
        expect(pg.get_by_role("cell", name="Google Chrome")).to_be_visible()
        pg.get_by_role("button", name="今後表示しない").click()
        expect(pg.get_by_role("heading", name="ご利用推奨環境")).to_be_visible()
        expect(pg.get_by_text("推奨環境ではないため")).to_have_count(0)
        pg.goto("/sign-in")
        expect(pg.get_by_text("推奨環境ではないため")).to_have_count(0)
    finally:
        context.close()


def test_staff_terminate_and_the_user_sees_the_termination_page(page, new_page):
    org = factories.org("株式会社解除テスト")
    factories.contract(org, "secure_deliver")
    factories.user(org, login_id="member", name="利用 三郎")
    factories.staff(login_id="ops-t")
    db.session.commit()
    _sign_in(page, "member")
    staff = new_page()
    _sign_in(staff, "ops-t")
    staff.goto("/staff/organizations")
    staff.get_by_role("link", name="株式会社解除テスト").click()
    staff.get_by_label("第15条(1)の解除事由").select_option("①")
    staff.get_by_label("理由（書面による通知としてお客様に送付されます）").fill("再三の催告後もお支払いがありません。")
    staff.get_by_role("button", name="契約を解除する").click()
    expect(staff.locator(".field__error").filter(has_text="解除の内容を確認してください。")).to_be_visible()
    expect(staff.get_by_label("理由（書面による通知としてお客様に送付されます）")).to_have_value("再三の催告後もお支払いがありません。")
    staff.get_by_label("すべての契約が本日で終了し").check()
    staff.get_by_role("button", name="契約を解除する").click()
    expect(staff.get_by_text("契約を解除し（第15条(1)①）")).to_be_visible()
    assert page.goto("/deliveries").status == 403
    expect(page.get_by_role("heading", name="ご契約は解除されました")).to_be_visible()
    assert axe_violations(page) == []
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "oversight-terminated-390")
