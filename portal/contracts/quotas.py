"""Plan quotas (§9(1)): users, storage bytes and active guest links.

Every place that adds one of these calls `check_quota(organization_id, kind, adding)` before
adding it; over the limit it raises `QuotaExceeded`, whose message names the quota and the
plan. The current usage comes from counters that areas register with
`register_usage_counter(app, kind, fn)` from their `register(app)` (`fn(organization_id) ->
int`; the counters of a kind are added up): accounts registers users (active users plus pending
invitations), sharing registers storage bytes and active guest links.

How limits combine (docs/decisions.md, "Applications and contracts"): the organization's limit
for a quota is the largest limit among its live contracts (trial, active, notice given,
suspended) — users, files and links are shared by all services of an organization, so a
second service does not add up, and the most generous plan applies. An organization without
any live contract has a limit of 0: nothing can be added.
"""
from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from flask import has_request_context
from flask_babel import force_locale
from flask_babel import gettext as _

from portal import registry
from portal.contracts.models import LIVE_STATUSES, Contract, Plan
from portal.domain import DomainError
from portal.extensions import db

CLAUSE = "§9(1)"
KINDS = ("users", "storage_bytes", "guest_links")

def _quota_message(exc: "QuotaExceeded") -> str:
    """The refusal in the current language (Japanese outside a request), naming the quota,
    the plan and §9(1)."""
    if not has_request_context():
        with force_locale("ja"):
            return exc._message()
    return exc._message()


class QuotaExceeded(DomainError):
    """Adding would take the organization over its plan's quota (§9(1)).

    kind: "users", "storage_bytes" or "guest_links"; limit: the plan's limit; current: the
    usage before adding; adding: how much was to be added; plan_name: the plan whose limit
    applies ("" when the organization has no live contract); clause: "§9(1)".
    """

    describe = staticmethod(_quota_message)

    def __init__(self, kind: str, *, limit: int, current: int, adding: int, plan_name: str):
        super().__init__("quota_exceeded", CLAUSE)
        self.kind = kind
        self.limit = limit
        self.current = current
        self.adding = adding
        self.plan_name = plan_name
        self.args = (self.message,)

    def __str__(self) -> str:
        return self.message

    def _message(self) -> str:
        quota = quota_label(self.kind)
        if not self.plan_name:
            return _(
                "%(quota)s cannot be increased: the organization has no contract in force "
                "(Art. 9(1)).",
                quota=quota,
            )
        return _(
            "The %(quota)s quota of the plan %(plan)s is %(limit)s; %(current)s in use, so "
            "%(adding)s more cannot be added (Art. 9(1)).",
            quota=quota,
            plan=self.plan_name,
            limit=format_quota(self.kind, self.limit),
            current=format_quota(self.kind, self.current),
            adding=format_quota(self.kind, self.adding),
        )


def quota_label(kind: str) -> str:
    return {
        "users": _("users"),
        "storage_bytes": _("storage"),
        "guest_links": _("active guest links"),
    }[kind]


def format_quota(kind: str, value: int) -> str:
    """Users and links as counts; storage in GB/MB (decimal units, as the price list)."""
    if kind != "storage_bytes":
        return f"{value:,}"
    for unit, size in (("TB", 10**12), ("GB", 10**9), ("MB", 10**6)):
        if value >= size:
            amount = value / size
            return f"{amount:,.0f} {unit}" if amount == int(amount) else f"{amount:,.1f} {unit}"
    return f"{value:,} B"


def register_usage_counter(app, kind: str, fn: Callable[[int], int]) -> None:
    """Add a counter of current usage for `kind` to `app` (idempotent for the same function)."""
    if kind not in KINDS:
        raise ValueError(f"unknown quota kind {kind!r}; expected one of {KINDS}")
    registry.add(app, f"quota_counters.{kind}", f"{fn.__module__}.{fn.__qualname__}", fn)


def current_usage(organization_id: int, kind: str) -> int:
    """The organization's current usage of `kind`: the sum of the registered counters."""
    if kind not in KINDS:
        raise ValueError(f"unknown quota kind {kind!r}; expected one of {KINDS}")
    return sum(int(fn(organization_id) or 0) for _, fn in registry.entries(f"quota_counters.{kind}"))


def organization_limit(organization_id: int, kind: str):
    """(limit, plan) of the largest limit of `kind` among the live contracts; (0, None) when
    the organization has no live contract."""
    if kind not in KINDS:
        raise ValueError(f"unknown quota kind {kind!r}; expected one of {KINDS}")
    plans = db.session.scalars(
        sa.select(Plan)
        .join(Contract, Contract.plan_id == Plan.id)
        .where(Contract.organization_id == organization_id, Contract.status.in_(LIVE_STATUSES))
    ).all()
    if not plans:
        return 0, None
    best = max(plans, key=lambda p: (p.quota(kind), -p.id))
    return best.quota(kind), best


def check_quota(organization_id: int, kind: str, adding: int = 1) -> None:
    """Refuse adding `adding` of `kind` when it would exceed the organization's quota.

    Inputs: the organization, kind in KINDS, the amount to add (users/links: a count;
    storage: bytes). Result: None when it fits (usage + adding <= limit).
    Errors: QuotaExceeded naming the quota and the plan; ValueError for an unknown kind.
    Clause: §9(1).
    """
    limit, plan = organization_limit(organization_id, kind)
    current = current_usage(organization_id, kind)
    if plan is None or current + adding > limit:
        raise QuotaExceeded(
            kind, limit=limit, current=current, adding=adding,
            plan_name=(f"{plan.service.name} {plan.name}" if plan is not None else ""),
        )

