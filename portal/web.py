"""What every view shares: the request's transaction, role guards, loading an organization's
object, the client's address, and absolute links for mail.

- `transaction(form, field=…)` runs the service calls of a POST inside the request's
  transaction: on success it commits once; on a `DomainError` it rolls back and puts the
  error's message next to its form field (the error's own `field`, else the given default) or,
  without a form, flashes it. The view then only decides where to go.
- `admin_required` / `staff_required` (decorators) and `require_admin` / `require_staff`
  (for `Blueprint.before_request`): one answer everywhere — sign-in for anonymous visitors,
  403 for a role the user lacks. Other organizations' objects answer 404 through
  `get_for_org_or_404`, exactly like unknown IDs.
- `external_url(endpoint, **values)` builds the absolute URL of a page against the configured
  `BASE_URL` (request or not: mail is also written by the daily job and the CLI).
"""
from __future__ import annotations

from contextlib import contextmanager
from functools import wraps
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import abort, current_app, flash, request
from flask_login import current_user

from portal.domain import ClientInfo, DomainError
from portal.extensions import db
from portal.staff_audit import record_staff_action


class Outcome:
    """What `transaction` reports back: `ok` after the commit, else the `error` it caught."""

    __slots__ = ("ok", "error")

    def __init__(self):
        self.ok = False
        self.error: DomainError | None = None

    def __bool__(self) -> bool:
        return self.ok


@contextmanager
def transaction(form=None, *, field: str | None = None, flash_error: bool | None = None,
                report: bool = True):
    """Run the block in the request's transaction; commit once on success.

    A `DomainError` raised in the block is caught: the session is rolled back and the message
    goes to `form[error.field]` (or `form[field]`) when the form has that field, else it is
    flashed as an error (always flashed when `flash_error` is true). With `report=False` the
    view shows `outcome.error` itself (e.g. inline on the page). Other exceptions pass through
    (the 500 handler rolls back). Inside a staff POST the staff audit row is added just before
    the commit (`portal.staff_audit`); its refusal (no reason) is handled like any other.
    """
    outcome = Outcome()
    try:
        yield outcome
        record_staff_action()  # a staff POST: its audit row commits with the change
    except DomainError as exc:
        db.session.rollback()
        outcome.error = exc
        if report:
            report_error(exc, form, field=field, flash_error=flash_error)
    else:
        db.session.commit()
        outcome.ok = True


def report_error(exc: DomainError, form=None, *, field: str | None = None,
                 flash_error: bool | None = None) -> None:
    """Show a domain error next to its field (the error's own, else `field`) or as a flash."""
    name = exc.field if form is not None and exc.field and exc.field in form else field
    if flash_error or form is None or not name or name not in form:
        flash(exc.message, "error")
        return
    form[name].errors = list(form[name].errors) + [exc.message]


def require_admin():
    """`before_request` guard: customer admins only (403 for staff and customer users)."""
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    if current_user.is_staff or not current_user.is_admin:
        abort(403)
    return None


def require_staff():
    """`before_request` guard: the provider's staff only (403 for customers)."""
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    if not current_user.is_staff:
        abort(403)
    return None


def require_customer():
    """`before_request` guard: signed-in customer users (403 for staff)."""
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    if current_user.is_staff:
        abort(403)
    return None


def _guard(check):
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            refusal = check()
            if refusal is not None:
                return refusal
            return view(*args, **kwargs)

        return wrapped

    return decorator


admin_required = _guard(require_admin)
staff_required = _guard(require_staff)
customer_required = _guard(require_customer)


def get_for_org_or_404(model, object_id: int, organization_id: int | None):
    """Load `model` by primary key, but only inside `organization_id`; otherwise 404.

    The organization is part of the query, so another organization's row is never loaded.
    """
    obj = db.session.scalar(
        sa.select(model).where(model.id == object_id, model.organization_id == organization_id)
    )
    if obj is None:
        abort(404)
    return obj


def client_info() -> ClientInfo:
    """The requesting client's address and user agent, for sessions and audit events."""
    return ClientInfo(
        ip_address=request.remote_addr or "",
        user_agent=request.headers.get("User-Agent", "")[:500],
    )


def external_url(endpoint: str, **values) -> str:
    """The absolute URL of `endpoint` on the configured public address (`BASE_URL`), for links
    in mail. Works with or without a request (the daily job and the CLI write mail too)."""
    base = urlsplit(current_app.config["BASE_URL"].rstrip("/"))
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "http")
    return adapter.build(endpoint, values, force_external=True)


def init_app(app) -> None:
    """Make `external_url` available to templates (mail bodies link with it)."""
    app.jinja_env.globals["external_url"] = external_url
