"""The start date (起算日) of a contract: §5(4) of the terms.

「本サービスの起算日は、…価格表…に記載のとおりとします。ただし、…見積書や契約書等で別段の定めがある
際にはその取り決めのとおり」. The price list names one rule per service (`START_RULES`); the
contract's 起算日 follows from the usage-start date (利用開始日, §5(1)) by that rule. Every
period of the contract — billing months (月度), the minimum term, renewal terms, the agent
periods of §31(2) — is counted from the 起算日, never from the usage start. A quote or
contract (見積書等) may set another 起算日; `check_override` says which such dates the portal
accepts. Dates are days in Japan (convert moments with `jst.jst_date` first).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .terms import RuleError, require_date

USAGE_START = "usage_start"
"""起算日 = 利用開始日 (the day the usage-start notice names)."""
MONTH_START = "month_start"
"""起算日 = the first 1st of a month on or after the usage start: a usage start on the 1st is
its own 起算日, any other day starts the count on the 1st of the next month (月初起算)."""

START_RULES = (USAGE_START, MONTH_START)

DOCUMENT_TYPES = ("quote", "contract", "other")
"""見積書, 契約書 and 「等」 (an order form, a memorandum …) — the documents of §5(4) ただし書."""


@dataclass(frozen=True)
class StartDate:
    """A contract's 起算日: `start` (the day periods count from), the `usage_start` it came
    from, the price-list `rule` applied, `free_days` (days of use before the 起算日, not
    billed) and the clauses (§5(4), with §5(1) for the usage start)."""

    start: date
    usage_start: date
    rule: str
    free_days: int
    clauses: tuple[str, ...] = ("§5(1)", "§5(4)")


def _next_month_first(day: date) -> date:
    return date(day.year + 1, 1, 1) if day.month == 12 else date(day.year, day.month + 1, 1)


def billing_start(rule: str, usage_start: date) -> StartDate:
    """The 起算日 under the price list's `rule` for a usage start on `usage_start`.

    Inputs: `rule` (one of START_RULES), `usage_start` (the day in Japan the customer may use
    the service from, §5(1)). Result: StartDate. usage_start → that day; month_start → the
    day itself when it is the 1st, else the 1st of the next month (31 Dec 2026 → 1 Jan 2027,
    29 Feb 2028 → 1 Mar 2028). Errors: RuleError(code="unknown_start_rule", clause="§5(4)");
    TypeError for a datetime (a UTC moment must become a day in Japan first).
    Clause: §5(4).
    """
    require_date(usage_start, "usage_start")
    if rule == USAGE_START:
        start = usage_start
    elif rule == MONTH_START:
        start = usage_start if usage_start.day == 1 else _next_month_first(usage_start)
    else:
        raise RuleError(f"unknown start rule {rule!r}", code="unknown_start_rule", clause="§5(4)")
    return StartDate(start=start, usage_start=usage_start, rule=rule,
                     free_days=(start - usage_start).days)


def check_override(*, current: date, new: date, usage_start: date, document_type: str,
                   document_number: str, document_date: date | None, today: date) -> None:
    """Refuse a 起算日 set by a quote or contract (§5(4) ただし書) that the portal cannot accept.

    Inputs: the contract's `current` 起算日, the `new` one, its `usage_start` (§5(1)), the cited
    document (type in DOCUMENT_TYPES, its number, its date) and `today` (a day in Japan).
    Result: None when acceptable.
    Errors (RuleError, clause §5(4)): document_type, document_number (empty),
    document_date (missing or after today: a document that does not exist yet cannot be
    cited), start_before_usage (a 起算日 before the usage start would bill days on which the
    service could not be used, §5(1)), start_unchanged (the same 起算日 as now).
    """
    if document_type not in DOCUMENT_TYPES:
        raise RuleError(f"unknown document type {document_type!r}", code="document_type",
                        clause="§5(4)")
    if not (document_number or "").strip():
        raise RuleError("a document number is required", code="document_number", clause="§5(4)")
    if document_date is None or require_date(document_date, "document_date") > today:
        raise RuleError("the document date is missing or after today", code="document_date",
                        clause="§5(4)")
    if require_date(new, "new") < require_date(usage_start, "usage_start"):
        raise RuleError(f"start {new} is before the usage start {usage_start}",
                        code="start_before_usage", clause="§5(1)", earliest=usage_start)
    if new == require_date(current, "current"):
        raise RuleError("the start date is unchanged", code="start_unchanged", clause="§5(4)")
