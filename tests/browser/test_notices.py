"""SYSTEM INFORMATION in Chromium, in Japanese: the list with unread markers and the header
count, an incident notice with its updates, the public maintenance notice on the sign-in page;
each page passes axe-core and is saved as a screenshot."""
from __future__ import annotations

from datetime import date, datetime, timezone

from playwright.sync_api import expect

from portal import clock
from portal.extensions import db
from portal.notices.services import add_update
from tests import factories
from tests.browser.conftest import axe_violations, pass_second_factor, screenshot

NOW = datetime(2026, 12, 2, 1, 0, tzinfo=timezone.utc)


def test_system_information_list_and_detail_in_japanese(page, app):
    clock.set_frozen(NOW)
    org = factories.org("株式会社デモ商事")
    factories.user(org, role="admin", login_id="demo-admin", name="管理 花子")
    ops = factories.staff(login_id="ops")
    factories.notice(category="maintenance", title_ja="【12月10日】定期メンテナンスのお知らせ",
                     body="下記の日程で定期メンテナンスを実施いたします。\n\n"
                          "- 日時：2026年12月10日(木) 2:00〜5:00\n- 影響：全サービスがご利用いただけません",
                     effective_date=date(2026, 12, 10), staff_user=ops)
    factories.notice(category="fee_change", title_ja="IMAGE WORKS 利用料金改定のお知らせ",
                     body="2027年4月1日より、IMAGE WORKS の利用料金を改定いたします。",
                     effective_date=date(2027, 4, 1), staff_user=ops)
    incident = factories.notice(category="incident", title_ja="SECURE DELIVER 障害発生のお知らせ",
                                body="一部のお客様でファイルのダウンロードができない事象が発生しています。",
                                staff_user=ops)
    add_update(incident, status="identified", source_ja="ストレージ装置の故障が原因と判明しました。",
               staff=ops)
    db.session.commit()

    page.goto("/sign-in")
    expect(page.get_by_role("heading", name="メンテナンス・障害情報")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "notices-sign-in-public")

    page.get_by_label("ログインID").fill("demo-admin")
    page.get_by_label("パスワード").fill(factories.PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.get_by_role("link", name="SYSTEM INFORMATION").first.click()
    expect(page.get_by_role("heading", name="SYSTEM INFORMATION", exact=True)).to_be_visible()
    expect(page.locator(".notice-unread")).to_have_count(3)
    expect(page.locator(".notices-count")).to_have_text("3")
    assert axe_violations(page) == []
    screenshot(page, "notices-list")

    page.get_by_role("link", name="SECURE DELIVER 障害発生のお知らせ").click()
    expect(page.get_by_text("ストレージ装置の故障が原因と判明しました。")).to_be_visible()
    expect(page.locator(".notices-count")).to_have_text("2")
    assert axe_violations(page) == []
    screenshot(page, "notices-detail-incident")


def test_staff_publish_a_notice_and_see_its_delivery_records(page, app):
    clock.set_frozen(NOW)
    factories.staff(login_id="ops")
    for name in ("株式会社エー", "株式会社ビー"):
        org = factories.org(name)
        factories.notification_address(org, f"info@{'a' if 'エー' in name else 'b'}.example.jp")
    db.session.commit()
    page.goto("/sign-in")
    page.get_by_label("ログインID").fill("ops")
    page.get_by_label("パスワード").fill(factories.PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    pass_second_factor(page, "ops")
    page.goto("/staff/notices/new")
    page.get_by_label("種別").select_option("fee_change")
    page.get_by_label("件名（日本語）").fill("IMAGE WORKS 利用料金改定のお知らせ")
    page.get_by_label("本文（日本語）").fill("2027年1月15日より利用料金を改定いたします。")
    page.get_by_label("適用日").fill("2027-01-15")
    page.get_by_label("操作の理由（スタッフ操作記録）").fill("料金改定の告知")
    page.get_by_role("button", name="お知らせを保存").click()
    expect(page.locator(".field__error").first).to_contain_text(
        "第8条(1)により、このお知らせの適用日は最短で2027年1月31日(日)です。")
    assert axe_violations(page) == []
    screenshot(page, "notices-staff-lead-time-refused")

    page.get_by_label("適用日").fill("2027-02-01")
    page.get_by_role("button", name="お知らせを保存").click()
    expect(page.get_by_text("お知らせを掲載しました。")).to_be_visible()
    expect(page.get_by_role("heading", name="到達記録（第10条(1)）")).to_be_visible()
    expect(page.get_by_role("cell", name="株式会社ビー", exact=False)).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "notices-staff-detail")
