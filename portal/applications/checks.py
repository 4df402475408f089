"""The business checks of an application, all at once: which plans and billing period are
possible and whether IMAGE WORKS PRus may be provided at the address (§31(5)).

The form view runs them on every submit, also when the form's own shape checks failed, so an
applicant sees every problem after one submit. `submit_application` runs the same checks
again inside the transaction and refuses with the first one (a defence, not the user's view).
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from portal.applications.errors import ApplicationError
from portal.contracts.models import Plan
from portal.domain import DomainError
from portal.extensions import db
from portal.rules.residency import japan_address_problems

PRUS = "image_works_prus"


def application_problems(data, *, fields_with_errors=()) -> list[DomainError]:
    """Every business refusal of `data` (an `ApplicationInput`), as `ApplicationError`s with
    their field, in the form's order; [] when the application can be accepted.

    `fields_with_errors`: form fields that already show a shape error (e.g. an empty postal
    code); a §31(5) reason about such a field is left out rather than said twice.
    Codes: no_service, unknown_plan, billing_period (§5(5)), japan_only (§31(5), its
    `reasons` the codes of `rules.residency.AddressProblem`, one per problem).
    """
    if not data.plans:
        return [ApplicationError("no_service", field="plan_image_works")]
    problems: list[DomainError] = []
    plans = {p.id: p for p in db.session.scalars(
        sa.select(Plan).where(Plan.id.in_(data.plans.values())).options(selectinload(Plan.service))
    )}
    chosen = []
    for code, plan_id in data.plans.items():
        plan = plans.get(plan_id)
        if plan is None or not plan.active or plan.service.code != code:
            problems.append(ApplicationError("unknown_plan", field=f"plan_{code}"))
        else:
            chosen.append(plan)
    if data.billing_period_months and any(
        data.billing_period_months not in p.allowed_billing_periods for p in chosen
    ):
        problems.append(ApplicationError("billing_period", field="billing_period_months",
                                         clause="§5(5)"))
    if any(p.service.japan_only or p.service.code == PRUS for p in chosen):
        reasons = prus_reasons(data, fields_with_errors)
        if reasons:
            problems.append(ApplicationError("japan_only", field=f"plan_{PRUS}", clause="§31(5)",
                                             reasons=reasons))
    return problems


def prus_reasons(data, fields_with_errors=()) -> list[str]:
    """The §31(5) problem codes of the address, each once. Outside Japan only the country is
    named (the postal code and phone follow from it)."""
    found = japan_address_problems(data.postal_code, data.prefecture, data.phone, data.country)
    codes = []
    for problem in found:
        if problem.code == "country_not_japan":
            return [problem.code]
        related = {problem.field} | ({"postal_code"} if problem.code == "prefecture_mismatch" else set())
        if related & set(fields_with_errors) or problem.code in codes:
            continue
        codes.append(problem.code)
    if not codes and found:  # every reason is already shown next to its field
        codes.append("see_fields")
    return codes
