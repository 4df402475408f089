"""Payments, the bank CSV import (Shift_JIS), overdue status with §8(3) damages, demands and
the §15(1)① list, credit notes — and each refusal leaves nothing half-written."""
from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from portal.billing import services
from portal.billing.models import Demand, Payment, PaymentImport
from portal.mail import OutboxMail
from tests.billing.helpers import issued

DUE = date(2026, 12, 31)


@pytest.fixture
def setup(app, make, db):
    org, admin, contract, inv = issued(make)
    return {"org": org, "admin": admin, "invoice": inv, "staff": make.staff()}


def pay(setup, amount, day, reference, today=date(2027, 1, 31)):
    return services.record_payment(setup["invoice"], paid_on=day, amount=amount,
                                   method="transfer", reference=reference, by=setup["staff"],
                                   today=today)


def test_status_and_damages_from_due_date_to_today(setup):
    inv = setup["invoice"]
    assert services.statement(inv, DUE).status == "unpaid"
    late = services.statement(inv, date(2027, 1, 30))
    assert late.status == "overdue" and late.outstanding == 66_000
    # 66,000 × 14.6% × 30 / 365 = 792
    assert late.damages == 792 and late.damage_days == 30


def test_partial_payment_then_the_rest(setup, db):
    pay(setup, 30_000, date(2027, 1, 10), "R1")
    st = services.statement(setup["invoice"], date(2027, 1, 30))
    assert st.status == "overdue" and st.outstanding == 36_000
    # 66,000 for 10 days (Jan 1–10) + 36,000 for 20 days (Jan 11–30): 264 + 288
    assert st.damages == 264 + 288
    pay(setup, 36_000, date(2027, 1, 30), "R2")
    st = services.statement(setup["invoice"], date(2027, 2, 15))
    assert st.status == "paid" and st.settled_on == date(2027, 1, 30) and st.damages == 552


def test_overpayment_is_held_as_credit(setup):
    pay(setup, 70_000, date(2026, 12, 20), "R1")
    st = services.statement(setup["invoice"], date(2027, 1, 5))
    assert st.status == "paid" and st.overpaid == 4_000 and st.damages == 0


@pytest.mark.parametrize(("kwargs", "code", "field"), [
    ({"amount": -1}, "amount_not_positive", "amount"),
    ({"amount": 0}, "amount_not_positive", "amount"),
    ({"paid_on": date(2027, 2, 1)}, "future_date", "paid_on"),
])
def test_bad_payments_are_refused(setup, db, kwargs, code, field):
    values = {"paid_on": date(2027, 1, 5), "amount": 1000, "method": "transfer",
              "reference": "X", "by": setup["staff"], "today": date(2027, 1, 31)} | kwargs
    with pytest.raises(services.BillingError) as exc:
        services.record_payment(setup["invoice"], **values)
    assert (exc.value.code, exc.value.field) == (code, field)
    assert db.session.scalar(sa.select(sa.func.count(Payment.id))) == 0


def test_unknown_invoice_and_duplicate_reference(setup):
    with pytest.raises(services.BillingError) as exc:
        services.record_payment(services.invoice_by_number("INV-999999"), paid_on=DUE,
                                amount=1, method="transfer", reference="Y", by=setup["staff"],
                                today=DUE)
    assert exc.value.code == "unknown_invoice"
    pay(setup, 1000, DUE, "SAME")
    with pytest.raises(services.BillingError) as exc:
        pay(setup, 1000, DUE, "SAME")
    assert exc.value.code == "duplicate_reference"


def _csv(setup, rows):
    lines = ["取引日,金額,請求書番号,振込依頼人,取引番号"] + rows
    return ("\r\n".join(lines) + "\r\n").encode("cp932")


def test_csv_import_in_shift_jis_once(setup, db):
    number = setup["invoice"].number
    data = _csv(setup, [f'2027/01/05,"66,000",{number},カ）ビリング,B-1'])
    result = services.import_payments(data, "bank.csv", by=setup["staff"], today=date(2027, 1, 31))
    assert (result.recorded, result.skipped) == (1, 0)
    payment = db.session.scalar(sa.select(Payment))
    assert (payment.amount, payment.payer, payment.paid_on) == (66_000, "カ）ビリング", date(2027, 1, 5))
    with pytest.raises(services.BillingError) as exc:
        services.import_payments(data, "bank.csv", by=setup["staff"], today=date(2027, 1, 31))
    assert exc.value.code == "already_imported"
    # An overlapping file: the known reference is skipped.
    again = _csv(setup, [f"2027-01-05,66000,{number},カ）ビリング,B-1"])
    assert services.import_payments(again, "b2.csv", by=setup["staff"],
                                    today=date(2027, 1, 31)).skipped == 1
    assert db.session.scalar(sa.select(sa.func.count(Payment.id))) == 1


def test_a_malformed_csv_imports_nothing_and_names_its_lines(app, setup, db):
    number = setup["invoice"].number
    data = _csv(setup, [f"2027-01-05,1000,{number},A,C-1", "2027-13-01,1000,INV-000001,B,C-2",
                        f"2027-01-06,-5,{number},C,C-3", "2027-01-06,100,INV-999999,D,C-4",
                        f"2027-03-01,100,{number},E,C-5"])
    with app.test_request_context():
        with pytest.raises(services.BillingError) as exc:
            services.import_payments(data, "bad.csv", by=setup["staff"], today=date(2027, 1, 31))
        message = exc.value.message
    assert exc.value.code == "csv_invalid"
    for line in ("3", "4", "5", "6"):
        assert f"{line}行目" in message or f"line {line}" in message
    assert db.session.scalar(sa.select(sa.func.count(Payment.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(PaymentImport.id))) == 0


def test_wrong_encoding_is_refused(setup):
    with pytest.raises(services.BillingError) as exc:
        services.import_payments(b"\xff\xfe\x00\x81\xff", "x.csv", by=setup["staff"],
                                 today=DUE)
    assert exc.value.code == "csv_encoding"


def test_demand_once_a_day_and_eligibility_after_fifteen_days(setup, db):
    inv = setup["invoice"]
    with pytest.raises(services.BillingError):
        services.send_demand(inv, by=setup["staff"], today=DUE)  # not overdue yet
    services.send_demand(inv, by=setup["staff"], today=date(2027, 1, 5))
    with pytest.raises(services.BillingError) as exc:
        services.send_demand(inv, by=setup["staff"], today=date(2027, 1, 5))
    assert exc.value.code == "demand_same_day"
    assert db.session.scalar(sa.select(sa.func.count(Demand.id))) == 1
    assert db.session.scalar(sa.select(sa.func.count(OutboxMail.id)).where(
        OutboxMail.kind == "billing_demand")) == 1
    assert services.eligible_for_termination(date(2027, 1, 20)) == []  # 15 days not yet passed
    [e] = services.eligible_for_termination(date(2027, 1, 21))
    assert e.organization.id == setup["org"].id and e.eligible_from == date(2027, 1, 21)
    pay(setup, 66_000, date(2027, 1, 21), "P")
    assert services.eligible_for_termination(date(2027, 1, 22)) == []


def test_credit_note_refers_to_the_invoice_and_reduces_it(setup, db):
    inv = setup["invoice"]
    note = services.issue_credit_note(inv, 10_005, "二重計上の訂正", today=date(2026, 12, 5))
    assert note.kind == "credit_note" and note.refers_to_id == inv.id
    assert (note.subtotal, note.tax, note.total) == (10_005, 1_000, 11_005)
    assert inv.total == 66_000  # the invoice itself never changes
    assert services.statement(inv, date(2026, 12, 6)).outstanding == 66_000 - 11_005
    with pytest.raises(services.BillingError) as exc:
        services.issue_credit_note(inv, 60_000, "x", today=date(2026, 12, 5))
    assert exc.value.code == "credit_too_large"


def test_discontinuation_refunds_prepaid_months_not_started(app, make, db):
    """§19(3): a 12-month period paid in advance; services end on 2027-01-10 → the 2 … 12th
    months (Feb–Nov 2027 for a start on Dec 1) are credited and their paid fees refunded."""
    from portal.billing.models import Refund

    org, _, contract, inv = issued(make, login_id="ref-admin", start=date(2026, 12, 1),
                                   billing_period_months=12)
    staff = make.staff()
    services.record_payment(inv, paid_on=date(2026, 12, 20), amount=inv.total,
                            method="transfer", reference="Y1", by=staff, today=date(2027, 1, 5))
    [refund] = services.discontinuation_refunds(org.id, date(2027, 1, 10), today=date(2027, 1, 11))
    note = refund.credit_note
    assert note.refers_to_id == inv.id and note.subtotal == 10 * 60_000  # Feb … Nov 2027
    assert refund.amount == 10 * 66_000
    with pytest.raises(services.BillingError) as exc:
        services.discontinuation_refunds(org.id, date(2027, 1, 10), today=date(2027, 1, 11))
    assert exc.value.code == "already_refunded"
    assert db.session.scalar(sa.select(sa.func.count(Refund.id))) == 1
