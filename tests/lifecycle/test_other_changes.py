"""§14(1) other changes: adding a service and changing the billing period, with the same 10-day
lead and staff agreement as a plan change; mails to the admins; the daily job applying them on
the agreed day (a new contract, the new billing period, billing following it)."""
from __future__ import annotations

import re
from datetime import date

import pytest
import sqlalchemy as sa

from portal.billing import services as billing
from portal.billing.models import InvoiceLine
from portal.contracts.models import Contract, Plan, Service
from portal.contracts.services import ContractError
from portal.lifecycle import services
from portal.lifecycle.models import ChangeRequest
from portal.mail import OutboxMail
from tests.billing.helpers import tick
from tests.lifecycle.helpers import freeze, post, setup_org

TODAY = date(2026, 12, 1)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _plan(db, service: str, code: str) -> Plan:
    return db.session.scalar(sa.select(Plan).join(Service).where(Service.code == service,
                                                                 Plan.code == code))


def _mails(kind: str) -> list[OutboxMail]:
    from portal.extensions import db
    return list(db.session.scalars(sa.select(OutboxMail).where(OutboxMail.kind == kind)))


@pytest.fixture
def org(make, db):
    freeze(TODAY)
    org, admin, contract = setup_org(make)
    make.staff(login_id="ops")
    db.session.commit()
    return org, admin, contract


# --- adding a service -------------------------------------------------------------------

def test_add_service_lead_time_and_double_submit(org, db):
    o, admin, _ = org
    plan = _plan(db, "secure_deliver", "business")
    with pytest.raises(services.LifecycleError) as err:
        services.request_add_service(o.id, plan, 1, date(2026, 12, 10), by=admin, today=TODAY)
    assert (err.value.code, err.value.clause, err.value.earliest, err.value.field) == (
        "desired_date_too_early", "§14(1)", date(2026, 12, 11), "desired_date")
    first = services.request_add_service(o.id, plan, 1, date(2026, 12, 11), by=admin, today=TODAY)
    again = services.request_add_service(o.id, plan, 1, date(2026, 12, 11), by=admin, today=TODAY)
    db.session.commit()
    assert again.id == first.id
    assert db.session.scalar(sa.select(sa.func.count(ChangeRequest.id))) == 1
    assert len(_mails("change_requested")) == 1
    # Another date while one is open: refused, the first stays.
    with pytest.raises(services.LifecycleError) as err:
        services.request_add_service(o.id, plan, 1, date(2026, 12, 20), by=admin, today=TODAY)
    assert err.value.code == "change_open"


@pytest.mark.parametrize(("service", "plan", "period", "code"), [
    ("image_works", "premium", 1, "service_plan_invalid"),   # already has IMAGE WORKS
    ("secure_deliver", "basic", 3, "period_invalid"),
])
def test_add_service_refusals(org, db, service, plan, period, code):
    o, admin, _ = org
    with pytest.raises(services.LifecycleError) as err:
        services.request_add_service(o.id, _plan(db, service, plan), period, date(2026, 12, 20),
                                     by=admin, today=TODAY)
    assert err.value.code == code


def test_add_prus_outside_japan_is_refused_up_front(org, db):
    o, admin, _ = org
    prus = db.session.scalar(sa.select(Plan).join(Service).where(Service.code == "image_works_prus"))
    with pytest.raises(ContractError) as err:
        services.request_add_service(o.id, prus, 1, date(2026, 12, 20), by=admin, today=TODAY)
    assert (err.value.code, err.value.clause, err.value.field) == ("japan_only", "§31(5)", "plan_id")


def test_trial_only_organization_cannot_file(make, db):
    freeze(TODAY)
    o, admin, _ = setup_org(make, trial=True, start=date(2026, 11, 20))
    with pytest.raises(services.LifecycleError) as err:
        services.request_add_service(o.id, _plan(db, "secure_deliver", "business"), 1,
                                     date(2026, 12, 20), by=admin, today=TODAY)
    assert (err.value.code, err.value.clause) == ("no_paid_contract", "§14(1)")


def test_added_service_becomes_a_contract_on_the_agreed_day(org, db):
    o, admin, _ = org
    staff_user = db.session.scalar(sa.select(type(admin)).where(type(admin).login_id == "ops"))
    sd = db.session.scalar(sa.select(Service).where(Service.code == "secure_deliver"))
    sd.start_rule = "month_start"
    plan = _plan(db, "secure_deliver", "business")
    req = services.request_add_service(o.id, plan, 1, date(2026, 12, 11), by=admin, today=TODAY)
    with pytest.raises(services.LifecycleError) as err:
        services.agree_change(req, date(2026, 11, 30), by=staff_user, today=TODAY)
    assert err.value.code == "effective_in_past"
    services.agree_change(req, date(2026, 12, 15), by=staff_user, today=TODAY)
    db.session.commit()
    assert req.status == "agreed" and len(_mails("change_agreed")) == 1
    tick(date(2026, 12, 14))
    assert db.session.scalar(sa.select(sa.func.count(Contract.id)).where(
        Contract.organization_id == o.id)) == 1
    tick(date(2026, 12, 16))
    tick(date(2026, 12, 16))  # idempotent
    new = db.session.scalar(sa.select(Contract).where(Contract.organization_id == o.id,
                                                      Contract.service_id == sd.id))
    db.session.refresh(req)
    assert (req.status, req.result_contract_id) == ("applied", new.id)
    # Used from the agreed day; its 起算日 follows the price list (§5(4)).
    assert (new.usage_start_date, new.start_date, new.status) == (
        date(2026, 12, 15), date(2027, 1, 1), "active")
    assert len(_mails("change_applied")) == 1


def test_refuse_needs_a_reason_and_mails(org, db):
    o, admin, _ = org
    staff_user = db.session.scalar(sa.select(type(admin)).where(type(admin).login_id == "ops"))
    req = services.request_add_service(o.id, _plan(db, "secure_deliver", "business"), 1,
                                       date(2026, 12, 20), by=admin, today=TODAY)
    with pytest.raises(services.LifecycleError):
        services.refuse_change(req, "  ", by=staff_user)
    services.refuse_change(req, "与信確認が必要です", by=staff_user)
    db.session.commit()
    assert req.status == "refused"
    assert "与信確認が必要です" in _mails("change_refused")[0].body


# --- the billing period -----------------------------------------------------------------

def test_billing_period_change_applies_at_a_boundary_and_billing_follows(make, db):
    """Start 1 Apr 2026, monthly; asked on 1 Dec for yearly from 11 Dec → the anniversary
    1 Apr 2027. The April 2027 invoice bills 12 months at once; nothing twice."""
    freeze(TODAY)
    o, admin, contract = setup_org(make, plan="standard")
    staff_user = make.staff(login_id="ops")
    standard = contract.plan
    standard.allowed_billing_periods = (1, 12)
    db.session.commit()
    options = services.billing_period_options(contract, TODAY)
    assert [(x.months, x.first_day) for x in options] == [(12, date(2027, 4, 1))]
    req = services.request_billing_period(contract, 12, date(2026, 12, 11), by=admin, today=TODAY)
    assert services.default_effective_date(req) == date(2027, 4, 1)
    with pytest.raises(services.LifecycleError) as err:
        services.agree_change(req, date(2027, 1, 1), by=staff_user, today=TODAY)
    assert (err.value.code, err.value.earliest) == ("period_boundary", date(2027, 4, 1))
    services.agree_change(req, date(2027, 4, 1), by=staff_user, today=TODAY)
    db.session.commit()
    tick(date(2027, 3, 1))
    tick(date(2027, 4, 1))
    db.session.refresh(contract)
    assert contract.billing_period_months == 12
    lines = db.session.scalars(sa.select(InvoiceLine).where(InvoiceLine.contract_id == contract.id)
                               .order_by(InvoiceLine.period_start)).all()
    assert [(l.period_start, l.months) for l in lines][-2:] == [
        (date(2027, 3, 1), 1), (date(2027, 4, 1), 12)]
    assert lines[-1].amount == 12 * standard.monthly_fee
    assert billing.issue_invoices(date(2027, 4, 2)) == 0


def test_billing_period_refusals(org, db):
    o, admin, contract = org
    with pytest.raises(services.LifecycleError) as err:
        services.request_billing_period(contract, 1, date(2026, 12, 20), by=admin, today=TODAY)
    assert err.value.code == "period_invalid"   # the current period


# --- pages ------------------------------------------------------------------------------

def test_add_service_page_keeps_input_and_lands_errors(org, client, auth, db):
    o, admin, _ = org
    auth.sign_in("lc-admin")
    page = client.get("/contracts/changes/add-service")
    text = _text(page.get_data(as_text=True))
    assert page.status_code == 200
    assert "第14条(1)" in text and "2026年12月11日(金)" in text
    plan = _plan(db, "secure_deliver", "business")
    bad = post(client, "/contracts/changes/add-service",
               {"plan_id": plan.id, "billing_period_months": 1, "desired_date": "2026-12-05"})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 400
    assert 'value="2026-12-05"' in html
    assert re.search(rf'<option selected value="{plan.id}"|<option value="{plan.id}" selected', html)
    assert re.search(r'id="desired_date-error"[^>]*>[^<]*2026年12月11日', html)
    data = {"plan_id": plan.id, "billing_period_months": 1, "desired_date": "2026-12-11"}
    assert post(client, "/contracts/changes/add-service", data).status_code == 302
    assert post(client, "/contracts/changes/add-service", data).status_code == 302  # double submit
    assert db.session.scalar(sa.select(sa.func.count(ChangeRequest.id))) == 1
    listing = _text(client.get("/contracts/changes").get_data(as_text=True))
    assert "SECURE DELIVER" in listing and "2026年12月11日" in listing


def test_staff_agree_from_the_queue(org, client, auth, db):
    o, admin, _ = org
    req = services.request_add_service(o.id, _plan(db, "secure_deliver", "business"), 1,
                                       date(2026, 12, 11), by=admin, today=TODAY)
    db.session.commit()
    auth.sign_in("ops")
    home = _text(client.get("/staff/").get_data(as_text=True))
    assert "第14条(1)" in home
    queue = client.get("/staff/lifecycle/changes")
    assert queue.status_code == 200 and f"/staff/lifecycle/changes/{req.id}" in queue.get_data(as_text=True)
    path = f"/staff/lifecycle/changes/{req.id}"
    assert 'value="2026-12-11"' in client.get(path).get_data(as_text=True)
    refused = post(client, path, {"action": "refuse", "refuse-reason": ""})
    assert refused.status_code == 400
    ok = post(client, path, {"action": "agree", "agree-effective_date": "2026-12-11", "agree-reason": "合意"})
    assert ok.status_code == 302
    db.session.refresh(req)
    assert (req.status, req.effective_date) == ("agreed", date(2026, 12, 11))
    assert client.get("/staff/lifecycle/changes/999999").status_code == 404


def test_billing_period_page(org, client, auth, db):
    o, admin, contract = org
    contract.plan.allowed_billing_periods = (1, 12)
    db.session.commit()
    auth.sign_in("lc-admin")
    path = f"/contracts/{contract.id}/billing-period"
    text = _text(client.get(path).get_data(as_text=True))
    assert "2027年4月1日(木)" in text and "第5条(5)" in text
    bad = post(client, path, {"billing_period_months": 12, "desired_date": "2026-12-02"})
    assert bad.status_code == 400 and 'value="2026-12-02"' in bad.get_data(as_text=True)
    assert post(client, path, {"billing_period_months": 12, "desired_date": "2026-12-11"}).status_code == 302
    req = db.session.scalar(sa.select(ChangeRequest))
    assert (req.kind, req.from_period, req.billing_period_months) == ("billing_period", 1, 12)
    # Withdraw from the list.
    assert post(client, f"/change-requests/{req.id}/withdraw", {}, token_path="/contracts/changes").status_code == 302
    db.session.refresh(req)
    assert req.status == "withdrawn"


# --- tenancy ----------------------------------------------------------------------------

def test_foreign_change_routes_answer_404(make, client, auth, db):
    freeze(TODAY)
    _, admin_a, contract_a = setup_org(make, login_id="lc-a", name="株式会社エー")
    org_b, admin_b, contract_b = setup_org(make, login_id="lc-b", name="株式会社ビー")
    req_b = services.request_add_service(org_b.id, _plan(db, "secure_deliver", "business"), 1,
                                         date(2026, 12, 20), by=admin_b, today=TODAY)
    make.user(org_b, login_id="lc-b-user")
    db.session.commit()
    auth.sign_in("lc-a")
    assert client.get(f"/contracts/{contract_b.id}/billing-period").status_code == 404
    assert post(client, f"/contracts/{contract_b.id}/billing-period",
                {"billing_period_months": 12, "desired_date": "2026-12-20"},
                token_path="/contracts/changes").status_code == 404
    assert post(client, f"/change-requests/{req_b.id}/withdraw", {},
                token_path="/contracts/changes").status_code == 404
    assert client.get("/contracts/999999/billing-period").status_code == 404
    listing = client.get("/contracts/changes").get_data(as_text=True)
    assert "株式会社ビー" not in listing and f"/change-requests/{req_b.id}/" not in listing
    db.session.refresh(req_b)
    assert req_b.status == "requested"
    # Customers never reach the staff queue; a customer user is not an admin.
    assert client.get("/staff/lifecycle/changes").status_code == 403
    auth.sign_out()
    auth.sign_in("lc-b-user")
    assert client.get("/contracts/changes").status_code == 403


# --- list pages: bounded statements -----------------------------------------------------

@pytest.mark.parametrize(("who", "path"), [("lc-admin", "/contracts/changes"),
                                           ("ops", "/staff/lifecycle/changes")])
def test_change_lists_do_not_grow_with_requests(org, client, auth, make, db, who, path):
    from portal.extensions import db as _db
    from tests.querycount import count_queries

    o, admin, contract = org
    counts = []
    for size in (2, 20):
        for i in range(size):
            other, other_admin, _ = setup_org(make, login_id=f"q{size}-{i}", name=f"株式会社Q{size}-{i}")
            services.request_add_service(other.id, _plan(db, "secure_deliver", "business"), 1,
                                         date(2026, 12, 20), by=other_admin, today=TODAY)
            mine = ChangeRequest(organization_id=o.id, kind="billing_period", contract_id=contract.id,
                                 from_period=1, billing_period_months=3, request_date=TODAY,
                                 desired_date=date(2026, 12, 20), requested_by_id=admin.id,
                                 status="withdrawn")
            db.session.add(mine)
        db.session.commit()
        auth.sign_in(who)
        with count_queries(_db.engine) as statements:
            response = client.get(path)
        assert response.status_code == 200
        counts.append(len(statements))
        auth.sign_out()
    assert counts[0] == counts[1], counts
