"""The 起算日 of a contract (§5(4)): what the price list's rule gave, and the quotes or contracts
(見積書等の別段の定め) staff cite to set another one.

A contract stores its usage-start date (§5(1)), the price-list rule applied and the resulting
`start_date`, from which every period counts (billing included). An override is a
`ContractStartOverride` row — append-only, never edited: a wrong one is corrected by a new
row — and moves `Contract.start_date`. Periods already invoiced would move under the
invoice, so an override is refused once a month of the contract has been billed: billing
(a higher area) tells this module through `register_billed_check`.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from portal import registry
from portal.contracts.models import Contract, ContractStartOverride, Service
from portal.contracts.services import ContractError
from portal.extensions import db
from portal.rules import RuleError
from portal.rules import start_date as start_rules


@dataclass(frozen=True)
class StartInfo:
    """What a contract page says about the 起算日: the usage start (§5(1)), the 起算日, the
    price-list rule applied, the override in force (None when the price list decides), every
    override in order, and the clauses."""

    usage_start: date
    start: date
    rule: str
    override: ContractStartOverride | None
    history: list[ContractStartOverride]

    @property
    def clauses(self) -> tuple[str, ...]:
        return ("§5(1)", "§5(4)")


def overrides_by_contract(contract_ids: list[int]) -> dict[int, list[ContractStartOverride]]:
    """Every override of the given contracts, oldest first (one query)."""
    out: dict[int, list[ContractStartOverride]] = {cid: [] for cid in contract_ids}
    if not contract_ids:
        return out
    for row in db.session.scalars(sa.select(ContractStartOverride).where(
            ContractStartOverride.contract_id.in_(contract_ids))
            .order_by(ContractStartOverride.id)):
        out[row.contract_id].append(row)
    return out


def start_info(contract: Contract, history: list[ContractStartOverride] | None = None) -> StartInfo:
    """The contract's StartInfo; `history` from `overrides_by_contract` saves the query."""
    if history is None:
        history = overrides_by_contract([contract.id])[contract.id]
    return StartInfo(usage_start=contract.usage_start_date, start=contract.start_date,
                     rule=contract.start_rule, override=history[-1] if history else None,
                     history=history)


def rule_choices() -> list[tuple[str, str]]:
    """The price list's 起算日 rules with their labels, for the staff's price list."""
    return [(start_rules.USAGE_START, _("From the usage-start date")),
            (start_rules.MONTH_START, _("From the 1st of the month"))]


def set_start_rule(service: Service, rule: str) -> None:
    """Set the service's 起算日 rule (§5(4)) for contracts made from now on; a contract keeps
    the rule it was made with. Errors: ContractError("unknown_start_rule", "§5(4)")."""
    if rule not in start_rules.START_RULES:
        raise ContractError("unknown_start_rule", "§5(4)")
    service.start_rule = rule
    db.session.flush()


def register_billed_check(app, fn: Callable[[int], bool]) -> None:
    """Tell contracts how to know whether a contract has been billed (the billing area):
    `fn(contract_id) -> bool`."""
    registry.add(app, "contracts.billed_check", "billing", fn)


def _billed(contract_id: int) -> bool:
    return any(fn(contract_id) for _, fn in registry.entries("contracts.billed_check"))


def override_start(contract: Contract, *, start: date | None, document_type: str,
                   document_number: str, document_date: date | None, note: str, by,
                   today: date) -> ContractStartOverride:
    """Set the contract's 起算日 as a quote or contract provides (§5(4) ただし書) and record it.

    Checks (`rules.start_date.check_override`): the document's type, number and date (not
    after `today`), a 起算日 not before the usage start (§5(1)) and different from the
    current one; the contract is a live paid contract (§12(5): a trial has no fee) and none of
    its months has been invoiced yet. The contract row is locked (PostgreSQL) so two staff
    cannot both record on the same 起算日.
    Result: the flushed override; `contract.start_date` is the new 起算日.
    Errors: ContractError with code start_trial, start_not_live, start_billed, or a rule code
    (document_type, document_number, document_date, start_before_usage, start_unchanged), each
    on its form field.
    """
    if contract.trial:
        raise ContractError("start_trial", "§12(5)", field="start")
    if not contract.is_live:
        raise ContractError("start_not_live", "§5(4)", field="start")
    db.session.execute(sa.select(Contract.id).where(Contract.id == contract.id).with_for_update())
    db.session.refresh(contract)
    if start is None:
        raise ContractError("start_required", "§5(4)", field="start")
    try:
        start_rules.check_override(current=contract.start_date, new=start,
                                   usage_start=contract.usage_start_date,
                                   document_type=document_type, document_number=document_number,
                                   document_date=document_date, today=today)
    except RuleError as exc:
        field = {"document_type": "document_type", "document_number": "document_number",
                 "document_date": "document_date"}.get(exc.code, "start")
        raise ContractError(exc.code, exc.clause, field=field, earliest=exc.earliest) from None
    if _billed(contract.id):
        raise ContractError("start_billed", "§5(4)", field="start")
    row = ContractStartOverride(contract_id=contract.id, previous_start=contract.start_date,
                                start_date=start, document_type=document_type,
                                document_number=document_number.strip(),
                                document_date=document_date, note=(note or "").strip(),
                                created_by_id=by.id)
    db.session.add(row)
    contract.start_date = start
    db.session.flush()
    return row
