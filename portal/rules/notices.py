"""Notices from the provider: lead times, payment demands and the refund on discontinuation.

Each notice category comes from a clause, and some clauses set how long before the change
the notice must be given: a fee change 60 days (§8(1)); a discontinuation 90 days under
§19(2), or only in advance under §19(1) (a long interruption, technical or unforeseen
reasons); a terms change, a service change and a business transfer before they take effect
(§17(1), §16, §20: "事前に", so the next day at the earliest). §15(1)① lets the provider terminate once 15
days have passed after a payment demand; §19(3) refunds paid months not yet used when every
service is discontinued. All dates are days in Japan; "published" is the day the notice is
posted or its email sent (§10(1)).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from .periods import billing_month_by_index, billing_month_index
from .terms import ContractTerms, RuleError, require_date

CATEGORIES = ("maintenance", "incident", "fee_change", "terms_change", "service_change",
              "discontinuation", "business_transfer", "general")
"""Notice categories, each tied to the clause it is given under (see `clause_for`)."""

_CLAUSES = {
    "maintenance": "§18(1)",
    "incident": "§13(1)",
    "fee_change": "§8(1)",
    "terms_change": "§17(1)",
    "service_change": "§16",
    "discontinuation": "§19(2)",
    "business_transfer": "§20",
    "general": "§10(1)",
}

DISCONTINUATION_BASES = {
    "long_interruption": "§19(1)",  # a §18 interruption not improving for long, or unforeseen
    "any_reason": "§19(2)",         # for any reason, 90 days ahead
}
"""Under which paragraph of §19 a discontinuation is announced (the notice records it)."""

LEAD_DAYS = {
    "fee_change": 60,         # §8(1): 利用料金変更日の60日前までに
    "discontinuation": 90,    # §19(2): 90日前までに
    "terms_change": 1,        # §17(1): 事前に — the change takes effect after the notice day
    "service_change": 1,      # §16: 事前にお客様へ通知 — at the earliest the day after
    "business_transfer": 1,   # §20: 事前にお客様に対し通知 — the day after at the earliest
}
"""Minimum days between publication and effect; categories not listed may take effect at once.
A §19(1) discontinuation needs prior notice only (one day, `_BASIS_LEAD_DAYS`)."""

_BASIS_LEAD_DAYS = {"long_interruption": 1, "any_reason": 90}

DEMAND_DAYS = 15
"""§15(1)①: 催告したにもかかわらず、15日を経過してもなお支払いがないとき."""


def _check_category(category: str) -> str:
    if category not in _CLAUSES:
        raise ValueError(f"unknown notice category {category!r}; expected one of {CATEGORIES}")
    return category


def _check_basis(category: str, basis: str | None) -> str | None:
    if basis is None or category != "discontinuation":
        return None
    if basis not in DISCONTINUATION_BASES:
        raise ValueError(f"unknown discontinuation basis {basis!r}; expected one of "
                         f"{tuple(DISCONTINUATION_BASES)}")
    return basis


def clause_for(category: str, basis: str | None = None) -> str:
    """The clause a notice of `category` is given under, e.g. "§8(1)" for "fee_change".

    maintenance §18(1), incident §13(1), fee_change §8(1), terms_change §17(1),
    service_change §16, discontinuation §19(2) — or §19(1) with basis "long_interruption" —,
    business_transfer §20, general §10(1). `basis` matters only for a discontinuation.
    Errors: ValueError for an unknown category or basis.
    """
    _check_category(category)
    basis = _check_basis(category, basis)
    return DISCONTINUATION_BASES[basis] if basis else _CLAUSES[category]


def earliest_effective_date(category: str, published: date, basis: str | None = None) -> date:
    """The earliest day a change announced on `published` may take effect.

    Inputs: `category` (one of CATEGORIES), `published` (day in Japan of posting/sending: turn
    a moment into it with `rules.jst.jst_date`, 00:30 JST is still the UTC day before), `basis`
    (discontinuations: a key of DISCONTINUATION_BASES; None reads as §19(2)).
    Result: fee_change published + 60 days (§8(1)); discontinuation + 90 days (§19(2)) or
    + 1 day under §19(1) (事前に); terms_change, service_change and business_transfer + 1
    day, since the notice must come before the change (§17(1), §16, §20); any other
    category `published` itself.
    Errors: ValueError for an unknown category or basis; TypeError for a non-date.
    Clause: `clause_for(category, basis)`.
    """
    _check_category(category)
    basis = _check_basis(category, basis)
    require_date(published, "published")
    days = _BASIS_LEAD_DAYS[basis] if basis else LEAD_DAYS.get(category, 0)
    return published + timedelta(days=days)


def check_effective_date(category: str, published: date, effective: date,
                         basis: str | None = None) -> None:
    """Refuse an effective date too close to the notice's publication.

    Inputs: `category`, `published`, `effective` (days in Japan), `basis` (discontinuations).
    Result: None when the lead time is met.
    Errors: RuleError(code="lead_time_too_short", clause=clause_for(category, basis),
    earliest=…); ValueError for an unknown category or basis.
    """
    earliest = earliest_effective_date(category, published, basis)
    if require_date(effective, "effective") < earliest:
        raise RuleError(f"a {category} notice published on {published} cannot take effect "
                        f"before {earliest}", code="lead_time_too_short",
                        clause=clause_for(category, basis), earliest=earliest)


def termination_allowed_from(demand_date: date) -> date:
    """The first day the provider may terminate for non-payment after a payment demand.

    Input: `demand_date`, the day in Japan the demand (催告) was given. Result: demand_date +
    16 days: the demand day is not counted (Civil Code Art. 140), the 15 days end at the end
    of demand_date + 15, and only after that have they "passed" (§15(1)①).
    Errors: TypeError for a non-date. Clause: §15(1)①.
    """
    return require_date(demand_date, "demand_date") + timedelta(days=DEMAND_DAYS + 1)


@dataclass(frozen=True)
class Refund:
    """Fees refunded when the provider discontinues every service (§19(3)).

    months: how many billing months are refunded; amount: monthly_fee × months, in yen;
    refunded_months: those months as (first, last) pairs; clauses: ("§19(3)",).
    """

    months: int
    amount: int
    refunded_months: tuple[tuple[date, date], ...] = ()
    clauses: tuple[str, ...] = ("§19(3)",)


def discontinuation_refund(terms: ContractTerms, last_service_day: date, paid_through: date,
                           ) -> Refund:
    """The refund owed to a contract when the provider discontinues all services (§19(3)).

    Inputs: `terms`; `last_service_day`, the last day the service is provided; `paid_through`,
    the last day covered by fees the customer has paid.
    Result: Refund of the billing months that have not started by the discontinuation (first
    day after `last_service_day`) and are fully paid (last day <= `paid_through`), at
    monthly_fee each. The month containing the last service day was used and is not refunded.
    A free trial pays nothing and gets nothing back. Use only when *every* service ends: a
    partial discontinuation refunds nothing (§8(4)).
    Errors: TypeError for non-date input. Clause: §19(3).
    """
    require_date(last_service_day, "last_service_day")
    require_date(paid_through, "paid_through")
    if terms.trial or paid_through < terms.start:
        return Refund(months=0, amount=0)
    if last_service_day < terms.start:
        index = 0
    else:
        index = billing_month_index(terms.start, last_service_day) + 1
    months = []
    while True:
        month = billing_month_by_index(terms.start, index)
        if month[1] > paid_through:
            break
        months.append(month)
        index += 1
    return Refund(months=len(months), amount=len(months) * terms.monthly_fee,
                  refunded_months=tuple(months))
