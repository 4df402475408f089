"""The daily job issues invoices: one per organization with a line per billing period that
starts in the month; twice on one day or catching up 40 missed days bills each month once;
the database itself refuses a second bill for a billing month."""
from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from portal.billing import services
from portal.billing.models import BilledMonth, InvoiceLine
from portal.contracts.models import Plan
from portal.lifecycle import services as lifecycle
from tests.billing.helpers import freeze, invoices, setup_org, tick

DEC1 = date(2026, 12, 1)


def test_issues_a_qualified_invoice_on_the_issue_day(app, make, db):
    org, _, contract = setup_org(make)
    assert services.issue_invoices(date(2026, 11, 30)) == 1  # November's month (catch-up of Nov 1)
    [nov] = invoices(org.id)
    assert nov.lines[0].period_start == date(2026, 11, 1)
    services.issue_invoices(DEC1)
    dec = invoices(org.id)[-1]
    assert (dec.issue_date, dec.due_date, dec.customer_name) == (DEC1, date(2026, 12, 31), org.name)
    assert dec.registration_number == "T3010401099999" and dec.issuer_name
    [line] = dec.lines
    assert (line.period_start, line.period_end, line.months) == (DEC1, date(2026, 12, 31), 1)
    assert line.service_name == "IMAGE WORKS" and line.plan_name == "スタンダード"
    assert (dec.subtotal, dec.tax, dec.total) == (60_000, 6_000, 66_000)
    assert dec.seq == nov.seq + 1 and dec.number == f"INV-{dec.seq:06d}"


def test_nothing_before_the_issue_day(app, make, db):
    app.config["BILLING_ISSUE_DAY"] = 5
    try:
        setup_org(make)
        assert services.issue_invoices(date(2026, 12, 4)) == 0
        assert services.issue_invoices(date(2026, 12, 5)) == 1
    finally:
        app.config["BILLING_ISSUE_DAY"] = 1


def test_twice_on_one_day_issues_the_same_invoices(app, make, db):
    org, _, _ = setup_org(make)
    tick(DEC1)
    first = [(i.number, i.total) for i in invoices()]
    assert services.issue_invoices(DEC1) == 0  # the service itself, not only the daily_runs guard
    tick(DEC1)
    assert [(i.number, i.total) for i in invoices()] == first


def test_forty_missed_days_bill_each_month_once(app, make, db):
    org, _, _ = setup_org(make, start=date(2026, 10, 15))
    tick(date(2026, 10, 1))   # the job ran last on Oct 1 …
    tick(date(2026, 11, 10))  # … and catches up 40 days at once
    months = db.session.execute(sa.select(BilledMonth.month_start).order_by(
        BilledMonth.month_start)).scalars().all()
    # October's invoice (Oct 15–Nov 14) and November's, issued on Nov 1 in advance (Nov 15–).
    assert months == [date(2026, 10, 15), date(2026, 11, 15)]
    assert len(invoices(org.id)) == 2
    tick(date(2026, 12, 1))
    months = db.session.scalars(sa.select(BilledMonth.month_start).order_by(
        BilledMonth.month_start)).all()
    assert months == [date(2026, 10, 15), date(2026, 11, 15), date(2026, 12, 15)]
    assert len(invoices(org.id)) == 3


def test_the_database_refuses_a_billing_month_twice(app, make, db):
    _, _, contract = setup_org(make)
    services.issue_invoices(DEC1)
    line = db.session.scalar(sa.select(InvoiceLine))
    db.session.add(BilledMonth(contract_id=contract.id, month_start=DEC1,
                               month_end=date(2026, 12, 31), fee=1, line_id=line.id))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_twelve_month_period_billed_in_advance(app, make, db):
    org, _, _ = setup_org(make, start=date(2026, 12, 1), billing_period_months=12)
    services.issue_invoices(DEC1)
    [inv] = invoices(org.id)
    assert inv.lines[0].months == 12 and inv.subtotal == 720_000
    assert inv.lines[0].clause_list == ("§5(5)",)
    assert services.issue_invoices(date(2027, 1, 1)) == 0


def test_trials_are_never_billed(app, make, db):
    org = make.org()
    make.contract(org, trial=True, start_date=date(2026, 11, 20))
    assert services.issue_invoices(DEC1) == 0


def test_plan_change_increase_bills_the_month_it_takes_effect(app, make, db):
    org, admin, contract = setup_org(make)
    premium = db.session.scalar(sa.select(Plan).where(Plan.code == "premium",
                                                      Plan.service_id == contract.service_id))
    req = lifecycle.request_plan_change(contract, premium, date(2026, 12, 15), by=admin,
                                        today=date(2026, 11, 20))
    staff = make.staff()
    lifecycle.agree_plan_change(req, date(2026, 12, 15), by=staff, today=date(2026, 11, 21))
    services.issue_invoices(DEC1)
    assert invoices(org.id)[-1].subtotal == 120_000
    assert invoices(org.id)[-1].lines[0].clause_list == ("§14(2)",)


def test_cancellation_bills_the_last_month_in_full_and_the_lump_sum_once(app, make, db):
    org, admin, contract = setup_org(make, start=date(2026, 4, 1))
    freeze(date(2026, 11, 20))
    notice = lifecycle.give_notice(contract, "chosen", date(2026, 12, 20), by=admin,
                                   today=date(2026, 11, 20))
    assert notice.early_termination_fee == 3 * 60_000  # Jan–Mar 2027 of the minimum term
    services.issue_invoices(DEC1)
    [dec] = invoices(org.id)
    assert [(l.kind, l.amount) for l in dec.lines] == [("fee", 60_000)]  # not yet confirmed
    assert dec.lines[0].clause_list == ("§14(3)",)
    lifecycle.confirm_notice(notice, by=make.staff())
    db.session.flush()
    assert services.issue_invoices(date(2026, 12, 3)) == 1
    lump = invoices(org.id)[-1]
    assert [(l.kind, l.amount) for l in lump.lines] == [("early_termination", 180_000)]
    assert services.issue_invoices(date(2026, 12, 4)) == 0
    assert services.issue_invoices(date(2027, 1, 1)) == 0  # nothing after the last day


def test_terms_change_cancellation_has_no_lump_sum(app, make, db):
    """§17(4): ending because of a terms change costs no lump sum, only the last month."""
    org, admin, contract = setup_org(make)
    notice = lifecycle.give_notice(contract, "chosen", date(2026, 12, 20), by=admin,
                                   today=date(2026, 11, 20))
    notice.early_termination_fee, notice.basis, notice.status = 0, "terms_change", "confirmed"
    db.session.flush()
    services.issue_invoices(DEC1)
    assert [l.kind for i in invoices(org.id) for l in i.lines] == ["fee"]


def test_the_issue_day_is_a_day_in_japan(app, make, db):
    """At 2026-11-30 15:30 UTC it is already 1 December in Japan: December is issued."""
    from datetime import datetime, timezone

    from portal import clock

    org, _, _ = setup_org(make, start=date(2026, 12, 1))
    clock.set_frozen(datetime(2026, 11, 30, 15, 30, tzinfo=timezone.utc))
    tick(clock.today_jst())
    [inv] = invoices(org.id)
    assert inv.issue_date == DEC1 and inv.lines[0].period_start == DEC1
