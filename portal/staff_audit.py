"""The staff audit: who of the provider's staff did what, when and why (issue 13 item 10).

One mechanism for every state-changing page of the staff console (`portal.console.bp`):

- each staff POST view is declared with `@audited(reason=…, organization=…)` under its
  `@bp.route`: the form field that carries the reason (an existing one such as a rejection
  reason, or the standard `reason` of `portal.fields.staff_reason_field`) and how to find the
  organization the action concerns;
- `portal.web.transaction` calls `record_staff_action()` just before it commits, so the
  audit row is part of the same transaction as the change (a change that rolls back leaves no
  row, and no change commits without its row). A staff POST without a declaration is a
  programming error (RuntimeError, 500) and `tests/staff/test_staff_audit.py` lists every
  staff POST route of the url_map to catch one before it ships; an empty reason is refused
  next to its field like any other domain error.

The table lives in the core (below every area) because the transaction helper writes it;
it names the staff user and the organization by foreign key only.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm
from flask import current_app, g, has_request_context, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import Mapped, mapped_column

from portal.clock import now_utc
from portal.domain import DomainError
from portal.extensions import db

STAFF_BLUEPRINT = "staff"
REASON_MAX = 1000


class StaffAction(db.Model):
    """One state-changing request of a staff member: the endpoint (what), the URL's IDs (on
    what), the organization concerned when there is one, the reason given (why)."""

    __tablename__ = "staff_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(default=now_utc, index=True)
    staff_user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(sa.String(80), index=True)
    target: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    organization_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organizations.id"), index=True)
    reason: Mapped[str] = mapped_column(sa.Text)
    ip_address: Mapped[str] = mapped_column(sa.String(45), default="")

    # By name: the core imports no area; the mapper resolves them once every model is loaded.
    staff_user = sa.orm.relationship("User", lazy="raise")
    organization = sa.orm.relationship("Organization", lazy="raise")

    __table_args__ = (sa.CheckConstraint("reason <> ''", name="reason_given"),)

    def __repr__(self) -> str:
        return f"<StaffAction {self.id} {self.action} by {self.staff_user_id}>"


def _describe(exc) -> str:
    return _("Enter the reason for this action (it is kept in the staff audit).")


class StaffReasonMissing(DomainError):
    """The reason of a staff action was empty (forms require it; this is the last guard)."""

    describe = staticmethod(_describe)

    def __init__(self, field: str):
        super().__init__("staff_reason_required", field=field)


@dataclass(frozen=True)
class AuditSpec:
    """How a staff POST view is audited: the form fields that may carry its reason (the
    first one posted and non-empty wins) and how to find its organization."""

    reason: tuple[str, ...]
    organization: Callable[[dict], int | None] | None


def audited(*, reason: str | tuple[str, ...] = "reason", organization=None):
    """Declare a staff POST view as audited (put it under `@bp.route`).

    `reason`: the posted field name(s) holding the reason. `organization`: by default the
    organization is inferred from the rows the request wrote (their `organization_id`, or an
    Organization row itself) when they all name the same one; else the name of a URL
    argument that *is* the organization's ID (`"org_id"`), a model class whose row — loaded
    by the view's only ID argument — has an `organization_id`, or a callable
    `f(view_args) -> id | None`.
    """
    names = (reason,) if isinstance(reason, str) else tuple(reason)
    spec = AuditSpec(names, _organization_finder(organization))

    def decorator(view):
        view.staff_audit = spec
        return view

    return decorator


def _organization_finder(organization) -> Callable[[dict], int | None] | None:
    if organization is None or callable(organization) and not isinstance(organization, type):
        return organization
    if isinstance(organization, str):
        return lambda args: args.get(organization)

    model = organization

    def by_row(args: dict) -> int | None:
        ids = [v for v in args.values() if isinstance(v, int)]
        row = db.session.get(model, ids[0]) if len(ids) == 1 else None
        return getattr(row, "organization_id", None) if row is not None else None

    return by_row


def _is_staff_post() -> bool:
    return (has_request_context() and request.method == "POST"
            and request.blueprint == STAFF_BLUEPRINT and current_user.is_authenticated
            and current_user.is_staff)


def spec_of(endpoint: str) -> AuditSpec | None:
    view = current_app.view_functions.get(endpoint)
    return getattr(view, "staff_audit", None)


def record_staff_action() -> None:
    """Called by `portal.web.transaction` before it commits: inside a staff POST, add the
    audit row (once per request). Outside one, nothing. Raises StaffReasonMissing (a
    DomainError: rolled back, shown next to the reason field) on an empty reason, and
    RuntimeError for a staff POST view that was never declared with `@audited`."""
    if not _is_staff_post() or g.get("staff_action_recorded"):
        return
    spec = spec_of(request.endpoint)
    if spec is None:
        raise RuntimeError(f"staff POST {request.endpoint} is not declared @audited")
    posted = [(name, (request.form.get(name) or "").strip()) for name in spec.reason
              if name in request.form]
    reason = next((value for _, value in posted if value), "")
    if not reason:
        raise StaffReasonMissing(posted[0][0] if posted else spec.reason[0])
    args = dict(request.view_args or {})
    db.session.flush()  # so the rows written so far have told `_note_organizations`
    db.session.add(StaffAction(
        occurred_at=now_utc(), staff_user_id=current_user.id, action=request.endpoint,
        target=args, organization_id=(spec.organization(args) if spec.organization
                                      else _inferred_organization()),
        reason=reason[:REASON_MAX], ip_address=(request.remote_addr or "")[:45],
    ))
    db.session.flush()
    g.staff_action_recorded = True


def _inferred_organization() -> int | None:
    seen = g.get("staff_action_organizations") or set()
    return next(iter(seen)) if len(seen) == 1 else None


@sa.event.listens_for(sa.orm.Session, "after_flush")
def _note_organizations(session, _context) -> None:
    """During a staff POST, remember which organizations the written rows belong to."""
    if not _is_staff_post():
        return
    seen = g.setdefault("staff_action_organizations", set())
    for obj in list(session.new) + list(session.dirty):
        if isinstance(obj, StaffAction):
            continue
        if type(obj).__tablename__ == "organizations":
            seen.add(obj.id)
        elif isinstance(getattr(obj, "organization_id", None), int):
            seen.add(obj.organization_id)
