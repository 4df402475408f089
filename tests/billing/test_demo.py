"""The demo data has an issued, a paid and an overdue invoice."""
from datetime import date

from portal.billing import services
from portal.demo import load_demo
from tests.billing.helpers import freeze, invoices


def test_demo_has_issued_paid_and_overdue_invoices(app, db):
    freeze(date(2026, 12, 7))
    load_demo()
    db.session.commit()
    sts = services.statements(invoices(), date(2026, 12, 7))
    assert sorted(s.status for s in sts) == ["overdue", "paid", "unpaid"]
    overdue = next(s for s in sts if s.status == "overdue")
    assert overdue.damages > 0 and overdue.invoice.due_date == date(2026, 11, 30)
