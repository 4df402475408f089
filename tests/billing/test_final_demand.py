"""§15(2): when the provider terminates, the organization loses the benefit of time — every
invoice still open is due at once from the termination day (the invoices themselves stay as
issued), late damages run from the next day, the termination notice lists what is owed, and a
second termination changes nothing."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from portal.billing import services
from portal.billing.models import Acceleration
from portal.extensions import db
from portal.mail import OutboxMail
from portal.rules.late_fees import late_damages
from tests.billing.helpers import freeze, issued
from tests.oversight.conftest import post


def test_acceleration_moves_the_due_date_not_the_invoice(app, make):
    org, admin, _contract, invoice = issued(make)
    assert invoice.due_date == date(2026, 12, 31)
    staff = make.staff(login_id="ops-final")
    final = services.accelerate(org.id, date(2026, 12, 10), by=staff)
    db.session.commit()
    assert final.accelerated_on == date(2026, 12, 10)
    assert [st.invoice.id for st in final.statements] == [invoice.id]
    assert final.total == invoice.total
    db.session.refresh(invoice)
    assert invoice.due_date == date(2026, 12, 31)  # the issued invoice never changes

    on_day = services.statement(invoice, date(2026, 12, 10))
    assert on_day.due == date(2026, 12, 10) and on_day.accelerated
    assert on_day.status == "unpaid" and on_day.damages == 0
    later = services.statement(invoice, date(2026, 12, 20))
    assert later.status == "overdue"
    assert later.damages == late_damages(invoice.total, date(2026, 12, 10), date(2026, 12, 20)) > 0

    again = services.accelerate(org.id, date(2026, 12, 15), by=staff)  # idempotent
    assert again.accelerated_on == date(2026, 12, 10)
    assert db.session.scalar(sa.select(sa.func.count(Acceleration.id))) == 1


def test_an_invoice_already_due_keeps_its_earlier_due_date(app, make):
    org, _admin, _contract, invoice = issued(make)
    staff = make.staff(login_id="ops-final2")
    services.accelerate(org.id, date(2027, 1, 20), by=staff)
    st = services.statement(invoice, date(2027, 1, 20))
    assert st.due == date(2026, 12, 31) and not st.accelerated and st.status == "overdue"


def test_paid_invoices_are_not_in_the_final_demand(app, make):
    org, admin, _contract, invoice = issued(make)
    staff = make.staff(login_id="ops-final3")
    services.record_payment(invoice, paid_on=date(2026, 12, 5), amount=invoice.total,
                            method="transfer", reference="FINAL-1", by=staff,
                            today=date(2026, 12, 5))
    final = services.accelerate(org.id, date(2026, 12, 10), by=staff)
    assert final.statements == [] and final.total == 0


def test_termination_by_the_provider_demands_everything_at_once(client, auth, make):
    org, admin, _contract, invoice = issued(make, login_id="final-admin")
    make.staff(login_id="ops-final4")
    freeze(date(2026, 12, 10))
    auth.sign_in("ops-final4")
    response = post(client, f"/staff/organizations/{org.id}/terminate",
                    {"ground": "①", "notice": "催告後も利用料金のお支払いがありません。", "confirm": "y"},
                    f"/staff/organizations/{org.id}")
    assert response.status_code == 302
    assert db.session.scalar(sa.select(Acceleration.accelerated_on)) == date(2026, 12, 10)
    mail = db.session.scalar(sa.select(OutboxMail).where(OutboxMail.kind == "oversight_terminate",
                                                         OutboxMail.to_address == admin.email))
    assert "第15条(2)" in mail.body and invoice.number in mail.body
    assert f"¥{invoice.total:,}" in mail.body
    staff_page = client.get("/staff/billing/invoices").get_data(as_text=True)
    assert "直ちに一括でお支払い" in staff_page and "第15条(2)" in staff_page
    auth.sign_out()
    auth.sign_in("final-admin")  # the customer's admin sees what is owed on the termination page
    page = client.get("/")
    assert page.status_code == 403
    html = page.get_data(as_text=True)
    assert invoice.number in html and f"¥{invoice.total:,}" in html and "第15条(2)" in html
