"""The console's home counts the billing and notification queues too (issue 13 item 8):
overdue invoices not yet demanded, demanded invoices still open (§15(1)①), and notification
addresses that bounced (§10(2)) — each linking to its list."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

from portal.billing.models import Demand
from portal.extensions import db
from portal.mail import OutboxMail
from portal.notices.models import NotificationAddress
from tests.billing.helpers import freeze, issued


def _queues(html: str) -> dict[str, str]:
    return {label: count for count, label in re.findall(
        r'<span class="queue__count">(\d+)</span> <span class="queue__label">([^<]+)</span>', html)}


def test_billing_and_bounce_queues_are_counted_and_linked(client, auth, make):
    freeze(date(2026, 12, 1))
    org_a, admin_a, _, inv_a = issued(make, login_id="q-a", name="株式会社キューエー")
    org_b, _, _, inv_b = issued(make, login_id="q-b", name="株式会社キュービー")
    _, _, _, inv_c = issued(make, login_id="q-c", name="株式会社キューシー")
    staff = make.staff(login_id="ops")
    freeze(inv_a.due_date + timedelta(days=3))  # all three overdue now
    db.session.add(Demand(organization_id=org_b.id, invoice_id=inv_b.id,
                          demanded_on=inv_b.due_date + timedelta(days=1), by_id=staff.id))
    confirmed = NotificationAddress(organization_id=org_a.id, email="ops@q-a.example.jp",
                                    status="confirmed",
                                    confirmed_at=datetime(2026, 11, 1, tzinfo=timezone.utc))
    fine = NotificationAddress(organization_id=org_b.id, email="ok@q-b.example.jp",
                               status="confirmed",
                               confirmed_at=datetime(2026, 11, 1, tzinfo=timezone.utc))
    db.session.add_all([confirmed, fine])
    db.session.add(OutboxMail(kind="notice", organization_id=org_a.id, to_address=confirmed.email,
                              subject="お知らせ", body="本文", status="rejected"))
    db.session.commit()

    auth.sign_in("ops")
    html = client.get("/staff/").get_data(as_text=True)
    queues = _queues(html)
    assert queues["督促していない支払期限超過の請求書"] == "2"  # a and c; b was demanded
    assert queues["督促済みで未入金の請求書"] == "1"
    assert queues["バウンスした通知先メールアドレス"] == "1"
    assert 'href="/staff/billing/invoices?status=overdue"' in html
    assert 'href="/staff/notification-addresses/bounced"' in html
    assert "第15条(1)" in html and "第10条(2)" in html
    # The queue's link lists them.
    overdue = client.get("/staff/billing/invoices?status=overdue").get_data(as_text=True)
    assert inv_c.number in overdue
