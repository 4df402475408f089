"""The staff's organization detail (issue 13 item 1) also shows the notification addresses
(a bounced one flagged), the latest invoices with their status, a reseller as the partner, and
links the staff audit of the organization."""
from __future__ import annotations

from datetime import date, datetime, timezone

from portal.extensions import db
from portal.mail import OutboxMail
from portal.notices.models import NotificationAddress
from tests.billing.helpers import freeze, issued


def test_detail_shows_addresses_invoices_partner_and_the_staff_audit_link(client, auth, make):
    freeze(date(2026, 12, 1))
    org, _admin, _contract, invoice = issued(make, login_id="detail-admin", name="株式会社詳細",
                                              channel="reseller", partner_name="販売店ディー")
    address = NotificationAddress(organization_id=org.id, email="info@detail.example.jp",
                                  status="confirmed",
                                  confirmed_at=datetime(2026, 11, 1, tzinfo=timezone.utc))
    db.session.add_all([address, NotificationAddress(organization_id=org.id,
                                                     email="new@detail.example.jp")])
    db.session.add(OutboxMail(kind="notice", organization_id=org.id, to_address=address.email,
                              subject="件名", body="本文", status="rejected"))
    make.staff(login_id="ops")
    db.session.commit()
    auth.sign_in("ops")
    page = client.get(f"/staff/organizations/{org.id}").get_data(as_text=True)
    contracts = page.split('id="contracts-heading"', 1)[1].split("</section>", 1)[0]
    assert "販売代理店 販売店ディー 経由" in contracts and "直販" not in contracts
    addresses = page.split('id="addresses-heading"', 1)[1].split("</section>", 1)[0]
    assert "info@detail.example.jp" in addresses and "配信エラー" in addresses
    assert "new@detail.example.jp — 確認待ち" in addresses
    assert addresses.count("配信エラー") == 1
    assert invoice.number in page and f'href="/staff/billing/invoices/{invoice.id}"' in page
    assert f'href="/staff/audit?organization={org.id}"' in page
