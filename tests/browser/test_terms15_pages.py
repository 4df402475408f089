"""Issue #15 in Chromium: the agent contract's cancellation quote with one 満了日 (§31(2)), a
contract under notice (last day, billing, no renewal, why actions are unavailable), the staff's
non-renewal notice (§5(5)) and the trial page's §12(5) list; axe finds nothing, screenshots
at 1280 px and 390 px."""
from __future__ import annotations

from datetime import date

from playwright.sync_api import expect

from portal.lifecycle import services
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
    screenshot(pg, name)
    pg.set_viewport_size({"width": 390, "height": 844})
    screenshot(pg, f"{name}-390")
    pg.set_viewport_size({"width": 1280, "height": 900})


def test_agent_quote_shows_one_expiry_date(page, app, make, db):
    freeze(date(2026, 10, 1))
    _, _, contract = setup_org(make, start=date(2026, 5, 31), channel="agent",
                               partner_name="取次株式会社")
    db.session.commit()
    _sign_in(page, "lc-admin")
    page.goto(f"/contracts/{contract.id}/cancellation")
    page.get_by_label("最終利用日", exact=True).fill("2026-10-31")
    page.get_by_role("button", name="見積もりを表示").click()
    quote = page.locator("section", has=page.get_by_role("heading", name="見積もり"))
    expect(quote).to_contain_text("2026年11月30日(月)")
    expect(page.locator("main")).not_to_contain_text("2027年5月30日")
    expect(page.locator("main")).not_to_contain_text("¥360,000")
    assert axe_violations(page) == []
    _both_widths(page, "terms15-agent-quote")
    page.goto(f"/contracts/{contract.id}/lifecycle")
    assert axe_violations(page) == []
    _both_widths(page, "terms15-agent-lifecycle")


def test_contract_under_notice_and_provider_notice(page, new_page, app, make, db):
    freeze(date(2026, 11, 25))
    _, admin, contract = setup_org(make, start=date(2026, 1, 16))
    _, _, other = setup_org(make, start=date(2026, 1, 1), login_id="lc-other",
                            name="株式会社ノンリニューアル")
    services.give_notice(contract, "chosen", date(2027, 1, 10), by=admin, today=date(2026, 11, 25))
    make.staff(login_id="lc-staff")
    db.session.commit()
    _sign_in(page, "lc-admin")
    page.goto(f"/contracts/{contract.id}/lifecycle")
    expect(page.locator("main")).to_contain_text("更新されません")
    expect(page.locator("main")).to_contain_text("プラン変更はご利用いただけません")
    expect(page.locator("main")).not_to_contain_text("自動更新")
    assert axe_violations(page) == []
    _both_widths(page, "terms15-under-notice-lifecycle")
    page.goto("/contracts")
    assert axe_violations(page) == []
    _both_widths(page, "terms15-under-notice-contracts")

    staff = new_page()
    _sign_in(staff, "lc-staff")
    staff.goto("/staff/lifecycle/contracts")
    row = staff.locator("tr", has_text="株式会社ノンリニューアル")
    row.get_by_role("link", name="更新しない旨を申し入れる").click()
    expect(staff.get_by_label("最終利用日（契約期間の末日）")).to_have_value("2026-12-31")
    staff.get_by_label("最終利用日（契約期間の末日）").fill("2026-12-20")
    staff.get_by_role("button", name="更新しない旨を申し入れる").click()
    expect(staff.locator(".field__error")).to_contain_text("2026年12月31日(木)")
    assert axe_violations(staff) == []
    screenshot(staff, "terms15-staff-non-renewal-error")
    staff.get_by_label("最終利用日（契約期間の末日）").fill("2026-12-31")
    staff.get_by_label("お客様に表示する理由").fill("提供体制の見直しのため")
    staff.get_by_role("button", name="更新しない旨を申し入れる").click()
    expect(staff.get_by_text("更新しない旨の申し入れを行い")).to_be_visible()

    customer = new_page()
    _sign_in(customer, "lc-other")
    customer.goto(f"/contracts/{other.id}/lifecycle")
    expect(customer.locator("main")).to_contain_text("提供体制の見直しのため")
    expect(customer.locator("main")).to_contain_text("弊社からの更新しない旨の申し入れ")
    assert axe_violations(customer) == []
    screenshot(customer, "terms15-provider-notice-customer")


def test_trial_page_lists_the_clauses_that_do_not_apply(page, app, make, db):
    freeze(date(2026, 12, 5))
    _, _, contract = setup_org(make, start=date(2026, 12, 1), trial=True)
    db.session.commit()
    _sign_in(page, "lc-admin")
    page.goto(f"/contracts/{contract.id}/lifecycle")
    section = page.locator("section", has=page.get_by_role("heading", name="無償試用に適用されない規定（第12条(5)）"))
    for clause in ("第8条", "第10条", "第14条", "第18条(2)"):
        expect(section).to_contain_text(clause)
    assert axe_violations(page) == []
    _both_widths(page, "terms15-trial")
