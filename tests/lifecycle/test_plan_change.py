"""Plan change requests (§14(1)(2)) through the customer and staff pages."""
from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from portal.contracts.models import Plan
from portal.daily import run_daily
from portal.lifecycle import services
from portal.lifecycle.models import PlanChangeRequest
from portal.mail import OutboxMail
from tests.lifecycle.helpers import freeze, post, setup_org

TODAY = date(2026, 11, 25)


def _plan(db, code):
    return db.session.scalar(sa.select(Plan).where(Plan.code == code))


@pytest.fixture
def ctx(app, make, db):
    freeze(TODAY)
    org, admin, contract = setup_org(make)
    return {"org": org, "admin": admin, "contract": contract}


def test_request_is_refused_less_than_10_days_ahead_with_the_earliest_date(client, auth, ctx, db):
    auth.sign_in("lc-admin")
    path = f"/contracts/{ctx['contract'].id}/plan-change"
    page = client.get(path).get_data(as_text=True)
    assert "2026年12月5日" in page and "第14条(1)" in page
    response = post(client, path, {"plan_id": _plan(db, "premium").id, "desired_date": "2026-12-04"})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "第14条(1)" in body and "2026年12月5日(土)" in body
    assert 'value="2026-12-04"' in body
    assert db.session.scalar(sa.select(sa.func.count(PlanChangeRequest.id))) == 0


def test_request_in_the_past_is_refused(client, auth, ctx, db):
    auth.sign_in("lc-admin")
    path = f"/contracts/{ctx['contract'].id}/plan-change"
    response = post(client, path, {"plan_id": _plan(db, "premium").id, "desired_date": "2026-11-01"})
    assert response.status_code == 400
    assert "第14条(1)" in response.get_data(as_text=True)


def test_downgrade_over_the_quota_is_refused_naming_it(client, auth, ctx, make, db):
    for _ in range(10):  # 11 users with the admin; the light plan allows 10
        make.user(ctx["org"])
    auth.sign_in("lc-admin")
    path = f"/contracts/{ctx['contract'].id}/plan-change"
    response = post(client, path, {"plan_id": _plan(db, "light").id, "desired_date": "2026-12-10"})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "ユーザー" in body or "users" in body
    assert "第9条(1)" in body
    assert db.session.scalar(sa.select(sa.func.count(PlanChangeRequest.id))) == 0


def test_full_flow_request_agree_apply_on_the_effective_day(client, auth, ctx, make, db):
    make.staff(login_id="lc-staff")
    auth.sign_in("lc-admin")
    cid = ctx["contract"].id
    premium = _plan(db, "premium")
    response = post(client, f"/contracts/{cid}/plan-change",
                    {"plan_id": premium.id, "desired_date": "2026-12-10"})
    assert response.status_code == 302
    req = db.session.scalar(sa.select(PlanChangeRequest))
    assert req.status == "requested" and req.desired_date == date(2026, 12, 10)
    page = client.get(f"/contracts/{cid}/lifecycle").get_data(as_text=True)
    # An increase is billed from the 月度 containing the date (§14(2)): 1–31 Dec 2026.
    assert "2026年12月1日(火)" in page and "第14条(2)" in page

    # a second request while one is open is refused
    second = post(client, f"/contracts/{cid}/plan-change",
                  {"plan_id": _plan(db, "light").id, "desired_date": "2026-12-20"})
    assert second.status_code == 400
    assert "すでに" in second.get_data(as_text=True)

    auth.sign_out()
    auth.sign_in("lc-staff")
    queue = client.get("/staff/lifecycle/").get_data(as_text=True)
    assert "株式会社ライフ" in queue
    path = f"/staff/lifecycle/plan-changes/{req.id}"
    response = post(client, path, {"action": "agree", "agree-effective_date": "2026-12-15",
                               "agree-reason": "在庫確認済み"})
    assert response.status_code == 302
    db.session.refresh(req)
    assert req.status == "agreed" and req.effective_date == date(2026, 12, 15)
    # acting again on a decided request changes nothing
    again = post(client, path, {"action": "refuse", "refuse-reason": "x"})
    assert again.status_code == 400
    db.session.refresh(req)
    assert req.status == "agreed"
    subjects = [m.subject for m in db.session.scalars(sa.select(OutboxMail))]
    assert any("2026年12月15日" in s for s in subjects)

    run_daily(date(2026, 12, 14))
    db.session.commit()
    db.session.refresh(ctx["contract"])
    assert ctx["contract"].plan.code == "standard"
    run_daily(date(2026, 12, 15))
    db.session.commit()
    db.session.refresh(ctx["contract"])
    assert ctx["contract"].plan.code == "premium"
    db.session.refresh(req)
    assert req.status == "applied"


def test_staff_refuse_with_reason_mails_the_customer(client, auth, ctx, make, db):
    make.staff(login_id="lc-staff")
    req = services.request_plan_change(ctx["contract"], _plan(db, "premium"), date(2026, 12, 10),
                                       by=ctx["admin"], today=TODAY)
    db.session.commit()
    auth.sign_in("lc-staff")
    path = f"/staff/lifecycle/plan-changes/{req.id}"
    assert post(client, path, {"action": "refuse", "refuse-reason": ""}).status_code == 400
    assert post(client, path, {"action": "refuse", "refuse-reason": "在庫の都合"}).status_code == 302
    db.session.refresh(req)
    assert req.status == "refused"
    bodies = [m.body for m in db.session.scalars(sa.select(OutboxMail).where(
        OutboxMail.kind == "plan_change_refused"))]
    assert bodies and "在庫の都合" in bodies[0]


def test_withdraw_until_decided(client, auth, ctx, db, make):
    req = services.request_plan_change(ctx["contract"], _plan(db, "premium"), date(2026, 12, 10),
                                       by=ctx["admin"], today=TODAY)
    db.session.commit()
    auth.sign_in("lc-admin")
    lifecycle = f"/contracts/{ctx['contract'].id}/lifecycle"
    assert post(client, f"/plan-changes/{req.id}/withdraw", {}, lifecycle).status_code == 302
    db.session.refresh(req)
    assert req.status == "withdrawn"
    # withdrawing again: a clear message, nothing changes
    response = post(client, f"/plan-changes/{req.id}/withdraw", {}, lifecycle)
    assert response.status_code == 302
    page = client.get(lifecycle).get_data(as_text=True)
    assert "第14条(1)" in page
    db.session.refresh(req)
    assert req.status == "withdrawn"


def test_one_open_request_per_contract_is_a_database_constraint(ctx, db):
    from sqlalchemy.exc import IntegrityError

    c = ctx["contract"]
    for _ in range(2):
        db.session.add(PlanChangeRequest(
            organization_id=c.organization_id, contract_id=c.id, from_plan_id=c.plan_id,
            to_plan_id=_plan(db, "premium").id, request_date=TODAY, desired_date=date(2026, 12, 10),
            requested_by_id=ctx["admin"].id))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize("old, new, effective, first_month", [
    ("standard", "premium", date(2026, 12, 15), (date(2026, 12, 1), date(2026, 12, 31))),
    ("standard", "light", date(2026, 12, 15), (date(2027, 1, 1), date(2027, 1, 31))),
])
def test_first_billed_month_shown_for_increase_and_decrease(ctx, db, old, new, effective,
                                                            first_month):
    req = services.request_plan_change(ctx["contract"], _plan(db, new), date(2026, 12, 10),
                                       by=ctx["admin"], today=TODAY)
    req.effective_date = effective
    assert services.first_billed_month(req) == first_month
