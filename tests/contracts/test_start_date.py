"""§5(4) 起算日 in the portal: contracts take the price list's rule per service, the pages show
it with its clause, staff record a start date from a quote or contract (append-only, refused
once invoiced), billing counts its months from the 起算日, and a converted trial follows the
rule too."""
from __future__ import annotations

import re
from datetime import date

import pytest
import sqlalchemy as sa

from portal.billing import services as billing
from portal.billing.models import InvoiceLine
from portal.contracts import start
from portal.contracts.models import ContractStartOverride, Service
from portal.contracts.services import ContractError
from portal.lifecycle import services as lifecycle
from tests.lifecycle.helpers import csrf, freeze, setup_org


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _month_start(db, code="image_works"):
    service = db.session.scalar(sa.select(Service).where(Service.code == code))
    service.start_rule = "month_start"
    db.session.commit()


@pytest.mark.parametrize(("usage", "expected"), [
    (date(2026, 12, 15), date(2027, 1, 1)),
    (date(2026, 12, 1), date(2026, 12, 1)),
    (date(2028, 2, 29), date(2028, 3, 1)),
])
def test_add_contract_follows_the_price_list_rule(make, db, usage, expected):
    make.price_list()
    _month_start(db)
    _, _, contract = setup_org(make, start=usage)
    assert (contract.usage_start_date, contract.start_date, contract.start_rule) == (
        usage, expected, "month_start")
    # Every period counts from the 起算日 (§14(4), §5(5)).
    assert contract.terms().start == expected


def test_usage_start_rule_and_trials_keep_the_usage_start(make, db):
    make.price_list()
    _, _, paid = setup_org(make, start=date(2026, 12, 15))
    assert paid.start_date == paid.usage_start_date == date(2026, 12, 15)
    _month_start(db)
    _, _, trial = setup_org(make, start=date(2026, 12, 15), login_id="t-admin", name="株式会社試用",
                            trial=True)
    assert (trial.start_date, trial.start_rule, trial.trial_end_date) == (
        date(2026, 12, 15), "usage_start", date(2027, 1, 13))


def test_first_invoice_counts_from_the_start_date(make, db):
    """Billing uses the 起算日: usage from 15 Dec, 起算日 1 Jan → nothing billed in December, the
    first 月度 1–31 Jan billed on 1 Jan."""
    make.price_list()
    _month_start(db)
    org, _, contract = setup_org(make, start=date(2026, 12, 15))
    assert billing.issue_invoices(date(2026, 12, 1)) == 0
    assert billing.issue_invoices(date(2026, 12, 16)) == 0
    assert billing.issue_invoices(date(2027, 1, 1)) == 1
    line = db.session.scalar(sa.select(InvoiceLine).where(InvoiceLine.contract_id == contract.id))
    assert (line.period_start, line.period_end, line.amount) == (
        date(2027, 1, 1), date(2027, 1, 31), contract.plan.monthly_fee)


def _override(contract, staff, **kw):
    args = {"start": date(2026, 12, 15), "document_type": "quote", "document_number": "Q-118",
            "document_date": date(2026, 11, 20), "note": "", "by": staff, "today": date(2026, 12, 1)}
    args.update(kw)
    return start.override_start(contract, **args)


def test_override_is_recorded_append_only_and_moves_billing(make, db):
    make.price_list()
    _month_start(db)
    org, _, contract = setup_org(make, start=date(2026, 12, 15))
    staff = make.staff(login_id="ops")
    first = _override(contract, staff)
    db.session.commit()
    assert contract.start_date == date(2026, 12, 15)
    assert (first.previous_start, first.start_date, first.created_by_id) == (
        date(2027, 1, 1), date(2026, 12, 15), staff.id)
    # A correction is a new record; the first stays as it was.
    second = _override(contract, staff, start=date(2026, 12, 20), document_type="contract",
                       document_number="C-7")
    db.session.commit()
    rows = db.session.scalars(sa.select(ContractStartOverride).order_by(ContractStartOverride.id)).all()
    assert [(r.previous_start, r.start_date) for r in rows] == [
        (date(2027, 1, 1), date(2026, 12, 15)), (date(2026, 12, 15), date(2026, 12, 20))]
    info = start.start_info(contract)
    assert info.override.id == second.id and len(info.history) == 2
    # Billing now counts from 20 Dec: the first 月度 20 Dec – 19 Jan is billed in December.
    assert billing.issue_invoices(date(2026, 12, 20)) == 1
    line = db.session.scalar(sa.select(InvoiceLine).where(InvoiceLine.contract_id == contract.id))
    assert (line.period_start, line.period_end) == (date(2026, 12, 20), date(2027, 1, 19))
    db.session.commit()
    # Invoiced: the start date can no longer move under the invoice.
    with pytest.raises(ContractError) as err:
        _override(contract, staff, start=date(2027, 1, 1), today=date(2026, 12, 21))
    assert (err.value.code, err.value.field) == ("start_billed", "start")


@pytest.mark.parametrize(("kw", "code", "field"), [
    ({"start": date(2026, 12, 14)}, "start_before_usage", "start"),
    ({"start": date(2027, 1, 1)}, "start_unchanged", "start"),
    ({"document_number": ""}, "document_number", "document_number"),
    ({"document_date": date(2026, 12, 2)}, "document_date", "document_date"),
])
def test_override_refusals(make, db, kw, code, field):
    make.price_list()
    _month_start(db)
    _, _, contract = setup_org(make, start=date(2026, 12, 15))
    with pytest.raises(ContractError) as err:
        _override(contract, make.staff(login_id="ops"), **kw)
    assert (err.value.code, err.value.field) == (code, field)
    assert db.session.scalar(sa.select(sa.func.count(ContractStartOverride.id))) == 0


def test_override_refused_for_a_trial(make, db):
    make.price_list()
    _, _, trial = setup_org(make, start=date(2026, 12, 1), trial=True)
    with pytest.raises(ContractError) as err:
        _override(trial, make.staff(login_id="ops"), start=date(2026, 12, 5))
    assert err.value.code == "start_trial"


def test_trial_conversion_follows_the_rule(make, db):
    make.price_list()
    _month_start(db)
    org, admin, trial = setup_org(make, start=date(2026, 12, 1), trial=True)
    req = lifecycle.request_conversion(trial, 1, by=admin, today=date(2026, 12, 5))
    lifecycle.approve_conversion(req, by=make.staff(login_id="ops"), today=date(2026, 12, 10))
    assert (trial.start_date, trial.usage_start_date, trial.start_rule) == (
        date(2027, 1, 1), date(2026, 12, 1), "month_start")


def test_contract_pages_cite_the_rule_and_the_document(client, auth, make, db):
    freeze(date(2026, 12, 1))
    make.price_list()
    _month_start(db)
    org, _, contract = setup_org(make, start=date(2026, 12, 15))
    auth.sign_in("lc-admin")
    text = _text(client.get("/contracts").get_data(as_text=True))
    assert "利用開始日 2026年12月15日(火)" in text
    assert "起算日" in text and "2027年1月1日(金)" in text and "第5条(4)" in text
    assert "翌月1日" in text
    _override(contract, make.staff(login_id="ops"))
    db.session.commit()
    for path in ("/contracts", f"/contracts/{contract.id}/lifecycle"):
        text = _text(client.get(path).get_data(as_text=True))
        assert "見積書" in text and "Q-118" in text and "2026年11月20日" in text, path


def test_staff_start_date_page(client, auth, make, db):
    freeze(date(2026, 12, 1))
    make.price_list()
    _month_start(db)
    _, _, contract = setup_org(make, start=date(2026, 12, 15))
    make.staff(login_id="ops")
    auth.sign_in("ops")
    path = f"/staff/contracts/{contract.id}/start-date"
    assert client.get(path).status_code == 200
    # Errors land next to their fields and the input is kept.
    bad = client.post(path, data={"csrf_token": csrf(client, path), "start": "2026-12-10",
                                  "document_type": "quote", "document_number": "Q-9",
                                  "document_date": "2026-11-20"})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 400
    assert 'value="Q-9"' in html and 'value="2026-12-10"' in html
    assert re.search(r'id="start-error"[^>]*>[^<]*2026年12月15日', html)
    ok = client.post(path, data={"csrf_token": csrf(client, path), "start": "2026-12-15",
                                 "document_type": "quote", "document_number": "Q-9",
                                 "document_date": "2026-11-20"})
    assert ok.status_code == 302
    # A double submit records one override (the second finds the date unchanged).
    again = client.post(path, data={"csrf_token": csrf(client, path), "start": "2026-12-15",
                                    "document_type": "quote", "document_number": "Q-9",
                                    "document_date": "2026-11-20"})
    assert again.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count(ContractStartOverride.id))) == 1
    text = _text(client.get(path).get_data(as_text=True))
    assert "Q-9" in text and "2026年11月20日" in text and "2027年1月1日" in text
    assert client.get("/staff/contracts/999999/start-date").status_code == 404


def test_staff_sets_the_service_rule(client, auth, make, db):
    freeze(date(2026, 12, 1))
    make.price_list()
    make.staff(login_id="ops")
    auth.sign_in("ops")
    service = db.session.scalar(sa.select(Service).where(Service.code == "secure_deliver"))
    path = f"/staff/price-list/services/{service.id}/start-rule"
    response = client.post(path, data={"csrf_token": csrf(client, "/staff/price-list"),
                                       "start_rule": "month_start", "reason": "料金表の改定"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Service, service.id).start_rule == "month_start"
    client.post(path, data={"csrf_token": csrf(client, "/staff/price-list"), "start_rule": "x"})
    db.session.expire_all()
    assert db.session.get(Service, service.id).start_rule == "month_start"
    assert client.post("/staff/price-list/services/999999/start-rule",
                       data={"csrf_token": csrf(client, "/staff/price-list")}).status_code == 404


def test_customers_cannot_open_the_staff_start_page(client, auth, make, db):
    make.price_list()
    _, _, contract = setup_org(make)
    auth.sign_in("lc-admin")
    assert client.get(f"/staff/contracts/{contract.id}/start-date").status_code == 403
