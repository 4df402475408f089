"""§8(1): a plan's fee changes only by a dated change under a fee-change notice published at
least 60 days before; live contracts keep their fee until then and are billed the new one from
the first billing month that starts on or after it; the editor refuses a direct change."""
from __future__ import annotations

from datetime import date

import pytest

from portal.billing import services
from portal.contracts import fees
from portal.contracts.models import Plan
from tests.billing.helpers import csrf, freeze, invoices, setup_org

PUBLISHED = date(2026, 10, 1)


@pytest.fixture
def world(app, make, db):
    freeze(PUBLISHED)
    org, admin, contract = setup_org(make, start=date(2026, 4, 15))
    staff = make.staff(login_id="fee-staff")
    notice = make.notice(category="fee_change", title_ja="料金改定のお知らせ",
                         effective_date=date(2026, 12, 10), staff_user=staff)
    plan = db.session.get(Plan, contract.plan_id)
    return {"org": org, "plan": plan, "staff": staff, "notice": notice}


def test_lead_time_and_notice_are_required(world):
    plan, staff, notice = world["plan"], world["staff"], world["notice"]
    with pytest.raises(fees.ContractError) as exc:
        fees.schedule_fee_change(plan, 99_000, date(2026, 11, 29), notice.id, by=staff,
                                 today=date(2026, 10, 2))
    assert (exc.value.code, exc.value.earliest) == ("lead_time_too_short", date(2026, 11, 30))
    with pytest.raises(fees.ContractError) as exc:
        fees.schedule_fee_change(plan, 99_000, date(2026, 12, 10), None, by=staff,
                                 today=date(2026, 10, 2))
    assert exc.value.code == "notice_required"
    with pytest.raises(fees.ContractError) as exc:
        fees.schedule_fee_change(plan, 60_000, date(2026, 12, 10), notice.id, by=staff,
                                 today=date(2026, 10, 2))
    assert exc.value.code == "fee_unchanged"


def test_live_contracts_keep_their_fee_until_the_first_month_starting_after_it(world, db):
    plan = world["plan"]
    fees.schedule_fee_change(plan, 99_000, date(2026, 12, 10), world["notice"].id,
                             by=world["staff"], today=date(2026, 10, 2))
    assert plan.monthly_fee == 60_000
    services.issue_invoices(date(2026, 11, 1))  # Nov 15 – Dec 14: the old fee
    assert fees.apply_fee_changes(date(2026, 12, 10)) == 1 and plan.monthly_fee == 99_000
    assert fees.apply_fee_changes(date(2026, 12, 11)) == 0
    services.issue_invoices(date(2026, 12, 1))  # Dec 15 – Jan 14 starts after Dec 10: new fee
    nov, dec = invoices(world["org"].id)
    assert nov.subtotal == 60_000
    assert dec.subtotal == 99_000 and dec.lines[0].clause_list == ("§8(1)",)


def test_the_editor_refuses_a_direct_fee_change_and_the_fee_change_page_works(world, client,
                                                                              auth, db):
    plan = world["plan"]
    auth.sign_in("fee-staff")
    path = f"/staff/price-list/plans/{plan.id}"
    page = client.get(path)
    assert page.status_code == 200
    data = {"code": plan.code, "name": plan.name, "monthly_fee": "99000",
            "minimum_months": str(plan.minimum_months), "billing_periods": ["1", "12"],
            "max_users": str(plan.max_users), "max_storage_gb": "500",
            "max_active_guest_links": str(plan.max_active_guest_links), "active": "y",
            "reason": "料金改定", "csrf_token": csrf(client, path)}
    refused = client.post(path, data=data)
    assert refused.status_code == 400 and "第8条(1)" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Plan, plan.id).monthly_fee == 60_000
    fee_path = f"/staff/price-list/plans/{plan.id}/fee-change"
    token = csrf(client, fee_path)
    early = client.post(fee_path, data={"fee": "99000", "effective_date": "2026-11-01",
                                        "notice_id": str(world["notice"].id), "reason": "料金改定",
                                        "csrf_token": token})
    assert early.status_code == 400 and "2026年11月30日" in early.get_data(as_text=True)
    ok = client.post(fee_path, data={"fee": "99000", "effective_date": "2026-12-10",
                                     "notice_id": str(world["notice"].id), "reason": "料金改定",
                                        "csrf_token": token})
    assert ok.status_code == 302
    assert len(fees.fee_history([plan.id])[plan.id]) == 1
    assert client.get("/staff/price-list/plans/999999/fee-change").status_code == 404


def test_customers_cannot_reach_the_fee_change_page(world, client, auth, make):
    make.user(world["org"], role="admin", login_id="fee-admin")
    auth.sign_in("fee-admin")
    assert client.get(f"/staff/price-list/plans/{world['plan'].id}/fee-change").status_code == 403
