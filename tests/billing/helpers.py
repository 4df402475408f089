"""Shared set-up of the billing tests: an organization with an admin and a contract, the
daily job run for a day, and an issued invoice."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from portal.billing import services
from portal.billing.models import Invoice
from portal.daily import pending_days, run_daily
from portal.extensions import db
from tests.lifecycle.helpers import csrf, freeze, setup_org  # noqa: F401


def tick(day: date) -> None:
    """What `flask portal tick` does for `day`: every pending day, committed per day."""
    for each in pending_days(day):
        run_daily(each)
        db.session.commit()


def invoices(organization_id: int | None = None) -> list[Invoice]:
    query = sa.select(Invoice).order_by(Invoice.seq)
    if organization_id is not None:
        query = query.where(Invoice.organization_id == organization_id)
    return list(db.session.scalars(query))


def issued(make, *, login_id="bill-admin", name="株式会社ビリング", day=date(2026, 12, 1),
           **contract_fields):
    """An organization with a monthly standard contract (¥60,000) and its December invoice."""
    org, admin, contract = setup_org(make, login_id=login_id, name=name, **contract_fields)
    services.issue_invoices(day)
    db.session.commit()
    return org, admin, contract, invoices(org.id)[-1]
