"""The daily job's billing step: issue the invoices of the billing months starting this month.

From the configured issue day of each month on, every day's run collects, per organization,
the billing periods of its paid contracts that start in that calendar month and are not yet
billed (`portal.rules.charges`), and the §14(4) lump sums of confirmed cancellation notices
not yet billed, and issues one invoice with them. On the issue day everything lands in one
invoice; a charge that arises later in the month (a notice confirmed, a contract added) gets
its own invoice the next day. `BilledMonth`'s unique pair and the lump-sum index are the
database's guarantee that a second run, or catching up missed days, bills nothing twice; the
code never relies on having run before. Everything is loaded in a handful of queries so that
10,000 organizations issue in seconds (bench/).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import date

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from portal.accounts.models import Organization
from portal.billing.models import BilledMonth, Invoice, InvoiceLine
from portal.billing.services.common import due_date, issuer, month_window, next_seq
from portal.contracts import fees
from portal.contracts.models import Contract, Plan
from portal.extensions import db
from portal.lifecycle.models import CancellationNotice, ChangeRequest, ContractEnd, PlanChangeRequest
from portal.rules import plan_change
from portal.rules.charges import FeeStep, period_charges
from portal.rules.invoices import consumption_tax

_LAST_DAY_NOTICES = ("requested", "confirmed", "completed")
_LUMP_SUM_NOTICES = ("confirmed", "completed")


def _fee_history(contracts: list[Contract], plans: dict[int, Plan]):
    """Per contract: (fee at its start, FeeSteps) from its agreed or applied plan changes
    (§14(2): from the month `first_billed_month` gives) and the dated fee changes of the
    plans it was on (§8(1): from the first month starting on or after the effective day)."""
    ids = [c.id for c in contracts]
    changes = defaultdict(list)
    for req in db.session.scalars(sa.select(PlanChangeRequest).where(
            PlanChangeRequest.contract_id.in_(ids),
            PlanChangeRequest.status.in_(("agreed", "applied")))
            .order_by(PlanChangeRequest.effective_date, PlanChangeRequest.id)):
        changes[req.contract_id].append(req)
    plan_fees = fees.fee_history(plans)

    def fee(plan_id: int, day: date) -> int:
        return fees.fee_on(plans[plan_id], plan_fees.get(plan_id, []), day)

    history = {}
    for c in contracts:
        reqs = changes.get(c.id, [])
        base_plan = reqs[0].from_plan_id if reqs else c.plan_id
        terms, plan_steps, current = c.terms(), [], base_plan
        for req in reqs:
            first = plan_change.first_billed_month(terms, req.effective_date,
                                                   fee(current, req.effective_date),
                                                   fee(req.to_plan_id, req.effective_date))
            plan_steps.append((first[0], req.to_plan_id))
            current = req.to_plan_id

        def plan_at(day: date, plan_steps=plan_steps, base_plan=base_plan) -> int:
            return next((p for d, p in reversed(plan_steps) if d <= day), base_plan)

        step_days = {d for d, _ in plan_steps}
        used = {base_plan} | {p for _, p in plan_steps}
        days = step_days | {ch.effective_date for p in used for ch in plan_fees.get(p, [])
                            if ch.effective_date > c.start_date}
        steps = [FeeStep(d, fee(plan_at(d), d), "§14(2)" if d in step_days else "§8(1)")
                 for d in sorted(days)]
        history[c.id] = (fee(base_plan, c.start_date), steps)
    return history


def _period_history(ids: list[int]) -> dict[int, tuple[int, tuple[tuple[date, int], ...]]]:
    """Per contract with an agreed or applied billing-period change (§14(1)): the period it
    started with and the (effective day, months) steps, so a period billed in advance before
    the change is applied already has its new length (`rules.charges.period_charges`)."""
    out: dict[int, tuple[int, list]] = {}
    for req in db.session.scalars(sa.select(ChangeRequest).where(
            ChangeRequest.contract_id.in_(ids), ChangeRequest.kind == "billing_period",
            ChangeRequest.status.in_(("agreed", "applied")))
            .order_by(ChangeRequest.effective_date, ChangeRequest.id)):
        out.setdefault(req.contract_id, (req.from_period, []))[1].append(
            (req.effective_date, req.billing_period_months))
    return {cid: (base, tuple(steps)) for cid, (base, steps) in out.items()}


def _contracts(window: tuple[date, date]) -> list[Contract]:
    return list(db.session.scalars(
        sa.select(Contract).where(Contract.trial.is_(False), Contract.start_date <= window[1])
        .options(selectinload(Contract.service), selectinload(Contract.plan))
        .order_by(Contract.organization_id, Contract.id)))


def _charges(day: date):
    """Per organization: the lines to bill, as (contract, kind, months, fees, amount, clauses)."""
    window = month_window(day)
    contracts = _contracts(window)
    if not contracts:
        return {}
    ids = [c.id for c in contracts]
    plans = {p.id: p for p in db.session.scalars(sa.select(Plan))}
    notices = {n.contract_id: n for n in db.session.scalars(sa.select(CancellationNotice).where(
        CancellationNotice.contract_id.in_(ids),
        CancellationNotice.status.in_(_LAST_DAY_NOTICES)))}
    ends = dict(db.session.execute(sa.select(ContractEnd.contract_id, ContractEnd.last_day)
                                   .where(ContractEnd.contract_id.in_(ids))).all())
    billed = defaultdict(set)
    for contract_id, start in db.session.execute(
            sa.select(BilledMonth.contract_id, BilledMonth.month_start)
            .where(BilledMonth.month_start >= window[0])):
        billed[contract_id].add(start)
    lump_billed = set(db.session.scalars(sa.select(InvoiceLine.contract_id).where(
        InvoiceLine.kind == "early_termination")))
    history = _fee_history(contracts, plans)
    periods = _period_history(ids)
    out = defaultdict(list)
    for c in contracts:
        notice = notices.get(c.id)
        last = ends.get(c.id) or (notice.last_day if notice else None)
        if c.status != "ended" or last is not None:
            base, steps = history[c.id]
            first_period, period_steps = periods.get(c.id, (c.billing_period_months, ()))
            terms = replace(c.terms(), monthly_fee=base, billing_period_months=first_period)
            for charge in period_charges(terms, window, fee_steps=steps, last_day=last,
                                         billed=frozenset(billed.get(c.id, ())),
                                         period_steps=period_steps):
                out[c.organization_id].append((c, "fee", charge.months, charge.fees,
                                               charge.amount, charge.clauses))
        if (notice is not None and notice.status in _LUMP_SUM_NOTICES
                and notice.early_termination_fee > 0 and c.id not in lump_billed):
            out[c.organization_id].append((c, "early_termination", (), (),
                                           notice.early_termination_fee, ("§14(4)",)))
    return out


def issue_invoices(day: date) -> int:
    """Issue the invoices due on `day` (a day in Japan); returns how many were issued.

    Nothing before the configured issue day of the month. Idempotent: months and lump sums
    already billed are not billed again (and the database refuses it if they were).
    Clause: §5(5), §8(2), §14(2)(3)(4), §12(5); the qualified-invoice content of 消費税法.
    """
    if day.day < current_app.config["BILLING_ISSUE_DAY"]:
        return 0
    charges = _charges(day)
    if not charges:
        return 0
    who = issuer()
    names = dict(db.session.execute(sa.select(Organization.id, Organization.name).where(
        Organization.id.in_(list(charges)))).all())
    rate = current_app.config["BILLING_TAX_RATE"]
    seq = next_seq()
    due = due_date(day)
    lines, months = [], []
    for org_id in sorted(charges):
        invoice = Invoice(seq=seq, organization_id=org_id, kind="invoice", issue_date=day,
                          issue_month=day.replace(day=1), due_date=due,
                          customer_name=names[org_id], issuer_name=who.name,
                          registration_number=who.registration_number, payee=who.payee,
                          assigned_to=who.agent_name, subtotal=0, tax=0, total=0)
        seq += 1
        for contract, kind, billed_months, month_fees, amount, clauses in charges[org_id]:
            line = InvoiceLine(
                invoice=invoice, contract_id=contract.id, kind=kind,
                service_name=contract.service.name, plan_name=contract.plan.name,
                period_start=billed_months[0][0] if billed_months else None,
                period_end=billed_months[-1][1] if billed_months else None,
                months=len(billed_months), amount=amount, tax_rate=rate,
                clauses=",".join(clauses))
            lines.append(line)
            months.extend((line, m, fee) for m, fee in zip(billed_months, month_fees))
        _total(invoice)
        db.session.add(invoice)
    db.session.flush()
    db.session.add_all(BilledMonth(contract_id=line.contract_id, month_start=m[0], month_end=m[1],
                                   fee=fee, line_id=line.id) for line, m, fee in months)
    db.session.flush()
    return len(charges)


def _total(invoice: Invoice) -> None:
    """Subtotal, tax rounded once per rate (fractions dropped) and total of `invoice`."""
    pairs = [(line.amount, line.tax_rate) for line in invoice.lines]
    invoice.subtotal = sum(a for a, _ in pairs)
    invoice.tax = sum(consumption_tax(pairs).values())
    invoice.total = invoice.subtotal + invoice.tax
