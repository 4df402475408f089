"""`make bench-billing`: the daily job's invoices for many organizations, and the invoice PDF.

Builds a fresh SQLite file (or BENCH_DATABASE_URL) by the migrations, adds BENCH_BILLING_ORGS
organizations (default 10,000) with one monthly contract each (bulk inserts, not timed), then
times `issue_invoices` for the 1st of a month (one invoice per organization), a second run the
same day (which issues nothing), and rendering a one-page invoice PDF (median of 20).
Not a timed test: the figures go into the README.
"""
from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ORGS = int(os.environ.get("BENCH_BILLING_ORGS", "10000"))


def main() -> None:
    tmp = tempfile.mkdtemp(prefix="portal-bench-billing-")
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tmp}/bench.db"
    from flask_migrate import upgrade

    from portal import create_app
    from portal.accounts.models import Organization
    from portal.billing import pdf, services
    from portal.billing.models import Invoice
    from portal.contracts.demo import load_price_list
    from portal.contracts.models import Contract
    from portal.extensions import db

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context(), app.test_request_context():
        upgrade(revision="heads")
        plan = load_price_list()["image_works"].plans[1]
        db.session.commit()
        db.session.execute(sa_insert(Organization), [
            {"name": f"ベンチ株式会社{i}", "name_kana": f"ベンチ{i}"} for i in range(ORGS)])
        org_ids = db.session.scalars(db.select(Organization.id)).all()
        db.session.execute(sa_insert(Contract), [
            {"organization_id": oid, "service_id": plan.service_id, "plan_id": plan.id,
             "start_date": date(2026, 4, 1), "usage_start_date": date(2026, 4, 1),
             "billing_period_months": 1, "channel": "direct",
             "partner_name": "", "trial": False, "status": "active"} for oid in org_ids])
        db.session.commit()
        day = date(2026, 12, 1)
        t0 = time.perf_counter()
        issued = services.issue_invoices(day)
        db.session.commit()
        first = time.perf_counter() - t0
        t0 = time.perf_counter()
        again = services.issue_invoices(day)
        db.session.commit()
        second = time.perf_counter() - t0
        inv = db.session.scalar(db.select(Invoice).order_by(Invoice.id))
        st = services.statement(inv, day)
        times = []
        for _ in range(20):
            t0 = time.perf_counter()
            pdf.render(st)
            times.append(time.perf_counter() - t0)
    print(f"organizations: {ORGS}")
    print(f"first run: {issued} invoices in {first:.2f} s")
    print(f"second run the same day: {again} invoices in {second:.2f} s")
    print(f"invoice PDF: median {statistics.median(times) * 1000:.0f} ms, "
          f"max {max(times) * 1000:.0f} ms (20 renders)")


def sa_insert(model):
    import sqlalchemy as sa

    return sa.insert(model)


if __name__ == "__main__":
    main()
