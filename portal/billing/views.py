"""Customer admins' billing pages: the invoice list (未払い / 支払済 / 期限超過), an invoice's
page and its PDF. Another organization's invoice answers 404 like an unknown one; customer
users who are not admins get 403 (billing is the admins', SPEC §2)."""
from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request
from flask_login import current_user

from portal.billing import pdf, services
from portal.billing.models import Invoice
from portal.clock import today_jst
from portal.pagination import page_number
from portal.web import get_for_org_or_404, require_admin

bp = Blueprint("billing", __name__)
bp.before_request(require_admin)


@bp.route("/invoices")
def invoices():
    status = request.args.get("status", "all")
    if status not in services.STATUS_FILTERS:
        abort(404)
    today = today_jst()
    page, rows = services.invoice_page(current_user.organization_id, status,
                                       page_number(request.args.get("page")), today)
    return render_template("billing/invoices.html", page=page, rows=rows, status=status,
                           today=today, summary=services.summary(current_user.organization_id, today))


@bp.route("/invoices/<int:invoice_id>")
def invoice(invoice_id: int):
    inv = get_for_org_or_404(Invoice, invoice_id, current_user.organization_id)
    return render_template("billing/invoice.html", st=services.statement(inv, today_jst()),
                           staff=False)


@bp.route("/invoices/<int:invoice_id>/pdf")
def invoice_pdf(invoice_id: int):
    inv = get_for_org_or_404(Invoice, invoice_id, current_user.organization_id)
    body = pdf.render(services.statement(inv, today_jst()))
    return Response(body, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{inv.number}.pdf"',
        "Cache-Control": "private, no-store"})
