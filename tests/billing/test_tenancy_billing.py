"""Tenancy and pages of billing: another organization's invoice answers 404 like an unknown
one (page and PDF); customer users who are not admins get 403; customers never reach the
staff pages; the pages show status, damages with the clause, and the PDF embeds its font."""
from __future__ import annotations

import re

import shutil
import subprocess
from datetime import date

import pytest
import sqlalchemy as sa

from portal.billing.models import Payment
from tests.billing.helpers import csrf, freeze, issued

ROUTES = ["/invoices/{id}", "/invoices/{id}/pdf"]


@pytest.fixture
def orgs(app, make, db):
    freeze(date(2027, 1, 20))
    org_a, admin_a, _, inv_a = issued(make, login_id="bill-a", name="株式会社エー")
    org_b, _, _, inv_b = issued(make, login_id="bill-b", name="株式会社ビー")
    make.user(org_a, login_id="bill-a-user")
    staff = make.staff(login_id="bill-staff")
    return {"a": inv_a, "b": inv_b, "org_a": org_a, "org_b": org_b, "staff": staff}


@pytest.mark.parametrize("template", ROUTES)
def test_foreign_and_unknown_invoices_answer_404(client, auth, orgs, template):
    auth.sign_in("bill-a")
    assert client.get(template.format(id=orgs["a"].id)).status_code == 200
    foreign = client.get(template.format(id=orgs["b"].id))
    assert foreign.status_code == 404 and "株式会社ビー" not in foreign.get_data(as_text=True)
    assert client.get(template.format(id=999999)).status_code == 404


def test_list_shows_only_own_invoices_with_overdue_and_damages(client, auth, orgs):
    auth.sign_in("bill-a")
    page = client.get("/invoices").get_data(as_text=True)
    assert orgs["a"].number in page and orgs["b"].number not in page
    assert "期限超過" in page and "第8条(3)" in page
    assert orgs["a"].number in client.get("/invoices?status=overdue").get_data(as_text=True)
    assert orgs["a"].number not in client.get("/invoices?status=paid").get_data(as_text=True)
    home = client.get("/").get_data(as_text=True)
    assert "期限超過" in home


def test_invoice_page_has_the_qualified_invoice_content(client, auth, orgs):
    auth.sign_in("bill-a")
    page = client.get(f"/invoices/{orgs['a'].id}").get_data(as_text=True)
    for text in ("T3010401099999", "株式会社エー", "¥66,000", "¥6,000", "2026年12月31日",
                 "第8条(2)", "第8条(3)"):
        assert text in page, text


def test_non_admins_and_customers_on_staff_pages(client, auth, orgs):
    auth.sign_in("bill-a-user")
    assert client.get("/invoices").status_code == 403
    assert client.get(f"/invoices/{orgs['a'].id}").status_code == 403
    auth.sign_out()
    auth.sign_in("bill-a")
    for path in ("/staff/billing/invoices", f"/staff/billing/invoices/{orgs['a'].id}",
                 f"/staff/billing/invoices/{orgs['a'].id}/pdf", "/staff/billing/payments/new",
                 "/staff/billing/payments/import",
                 f"/staff/billing/organizations/{orgs['org_a'].id}/liability",
                 f"/staff/billing/organizations/{orgs['org_a'].id}/discontinuation"):
        assert client.get(path).status_code == 403, path


def test_staff_unknown_ids_answer_404(client, auth, orgs):
    auth.sign_in("bill-staff")
    for path in ("/staff/billing/invoices/999999", "/staff/billing/invoices/999999/pdf",
                 "/staff/billing/organizations/999999/liability",
                 "/staff/billing/organizations/999999/discontinuation"):
        assert client.get(path).status_code == 404, path
    assert client.get(f"/staff/billing/organizations/{orgs['org_a'].id}/discontinuation"
                      ).status_code == 200
    page = client.get(f"/staff/billing/organizations/{orgs['org_a'].id}/liability"
                      "?event_day=2027-01-20").get_data(as_text=True)
    # Started 2026-04-01: Apr 1 – Dec 31 is 9 whole months (②); only December was billed.
    plain = re.sub(r"<[^>]+>", "", page)  # clause citations are links to the terms
    assert "第27条(1)②" in plain and "¥6,666" in plain


def test_staff_record_a_payment_and_it_is_paid(client, auth, orgs, db):
    auth.sign_in("bill-staff")
    token = csrf(client, "/staff/billing/payments/new")
    bad = client.post("/staff/billing/payments/new", data={
        "csrf_token": token, "invoice_number": orgs["a"].number, "paid_on": "2027-02-01",
        "amount": "-5", "method": "transfer", "reference": "R-1"})
    assert bad.status_code == 400 and db.session.scalar(sa.select(sa.func.count(Payment.id))) == 0
    unknown = client.post("/staff/billing/payments/new", data={
        "csrf_token": token, "invoice_number": "INV-424242", "paid_on": "2027-01-19",
        "amount": "100", "method": "transfer", "reference": "R-0", "reason": "入金確認"})
    assert unknown.status_code == 400
    assert "請求書番号 INV-424242 の請求書はありません。" in unknown.get_data(as_text=True)
    assert 'value="R-0"' in unknown.get_data(as_text=True)  # the input is kept
    ok = client.post("/staff/billing/payments/new", data={
        "csrf_token": token, "invoice_number": orgs["a"].number, "paid_on": "2027-01-19",
        "amount": "66000", "method": "transfer", "reference": "R-1", "reason": "入金確認"})
    assert ok.status_code == 302
    page = client.get(f"/staff/billing/invoices/{orgs['a'].id}").get_data(as_text=True)
    assert "支払済" in page and "badge--ok" in page and "overdue-mark" not in page


def test_pdf_embeds_every_font(client, auth, orgs, tmp_path):
    auth.sign_in("bill-a")
    response = client.get(f"/invoices/{orgs['a'].id}/pdf")
    assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF")
    assert shutil.which("pdffonts"), "poppler-utils (installed by .ci/run) is needed"
    path = tmp_path / "invoice.pdf"
    path.write_bytes(response.data)
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = out.splitlines()[2:]
    assert rows and all(" yes " in row for row in rows), out  # emb = yes (a subset: "sub yes")
    assert "IPAexGothic" in out
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "請求書" in text and "T3010401099999" in text and "株式会社エー 御中" in text
