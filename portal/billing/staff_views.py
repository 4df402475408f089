"""Billing in the staff console (/staff/billing/…, on `portal.console.bp`): every invoice,
the overdue queue with late damages, recording a payment, the bank CSV import, payment
demands, the §15(1)① eligible-for-termination list, credit notes and the §27(1) cap."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.accounts.models import Organization
from portal.billing import pdf, services
from portal.billing.forms import (
    CreditNoteForm,
    DemandForm,
    DiscontinuationForm,
    ImportForm,
    LiabilityForm,
    PaymentForm,
)
from portal.billing.models import Invoice
from portal.clock import today_jst
from portal.console import bp
from portal.extensions import db
from portal.i18n import yen
from portal.pagination import page_number
from portal.staff_audit import audited
from portal.web import transaction


@bp.route("/billing/invoices")
def billing_invoices():
    status = request.args.get("status", "all")
    if status not in services.STATUS_FILTERS:
        abort(404)
    today = today_jst()
    page, rows = services.invoice_page(None, status, page_number(request.args.get("page")), today)
    return render_template("billing/staff_invoices.html", page=page, rows=rows, status=status,
                           today=today, eligible=services.eligible_for_termination(today))


@bp.route("/billing/invoices/<int:invoice_id>", methods=["GET", "POST"])
@audited(reason=("demand-reason", "credit-reason"))
def billing_invoice(invoice_id: int):
    inv = db.get_or_404(Invoice, invoice_id)
    demand, credit = DemandForm(prefix="demand"), CreditNoteForm(prefix="credit")
    action = request.form.get("action")
    if action == "demand" and demand.validate_on_submit():
        with transaction(flash_error=True) as done:
            services.send_demand(inv, by=current_user, today=today_jst())
        if done:
            flash(_("The payment demand was recorded and mailed."), "success")
            return redirect(url_for("staff.billing_invoice", invoice_id=inv.id))
    if action == "credit" and credit.validate_on_submit():
        with transaction(credit, field="amount") as done:
            note = services.issue_credit_note(inv, credit.amount.data, credit.reason.data,
                                              today=today_jst())
        if done:
            flash(_("Credit note %(number)s was issued.", number=note.number), "success")
            return redirect(url_for("staff.billing_invoice", invoice_id=note.id))
    return render_template("billing/invoice.html", st=services.statement(inv, today_jst()),
                           staff=True, demand=demand, credit=credit), (400 if credit.errors or demand.errors else 200)


@bp.route("/billing/invoices/<int:invoice_id>/pdf")
def billing_invoice_pdf(invoice_id: int):
    inv = db.get_or_404(Invoice, invoice_id)
    return pdf.render(services.statement(inv, today_jst())), 200, {
        "Content-Type": "application/pdf",
        "Content-Disposition": f'attachment; filename="{inv.number}.pdf"'}


@bp.route("/billing/payments/new", methods=["GET", "POST"])
@audited(reason="reason")
def billing_payment_new():
    form = PaymentForm()
    if request.method == "GET" and request.args.get("invoice"):
        form.invoice_number.data = request.args["invoice"]
    if form.validate_on_submit():
        with transaction(form, field="invoice_number") as done:
            inv = services.invoice_by_number(form.invoice_number.data)
            services.record_payment(inv, paid_on=form.paid_on.data, amount=form.amount.data,
                                    method=form.method.data, reference=form.reference.data,
                                    payer=form.payer.data or "", by=current_user, today=today_jst(),
                                    number=form.invoice_number.data)
        if done:
            flash(_("The payment was recorded."), "success")
            return redirect(url_for("staff.billing_invoice", invoice_id=inv.id))
    return render_template("billing/staff_payment.html", form=form), (400 if form.errors else 200)


@bp.route("/billing/payments/import", methods=["GET", "POST"])
@audited(reason="reason")
def billing_import():
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        with transaction(form, field="file") as done:
            result = services.import_payments(upload.read(), upload.filename or "",
                                              by=current_user, today=today_jst())
        if done:
            flash(_("%(n)d payments were recorded; %(skipped)d were already recorded.",
                    n=result.recorded, skipped=result.skipped), "success")
            return redirect(url_for("staff.billing_invoices"))
    return render_template("billing/staff_import.html", form=form,
                           columns=services.COLUMNS), (400 if form.errors else 200)


@bp.route("/billing/organizations/<int:organization_id>/liability")
def billing_liability(organization_id: int):
    org = db.get_or_404(Organization, organization_id)
    form = LiabilityForm(request.args)
    caps = services.liability_caps(org.id, form.event_day.data) if (
        request.args and form.validate()) else None
    return render_template("billing/staff_liability.html", org=org, form=form, caps=caps)


@bp.route("/billing/organizations/<int:organization_id>/discontinuation", methods=["GET", "POST"])
@audited(reason="reason", organization="organization_id")
def billing_discontinuation(organization_id: int):
    """§19(3): when every service is discontinued, credit and refund the months not started."""
    org = db.get_or_404(Organization, organization_id)
    form = DiscontinuationForm()
    if form.validate_on_submit():
        with transaction(form, field="last_service_day") as done:
            refunds = services.discontinuation_refunds(org.id, form.last_service_day.data,
                                                       today=today_jst())
        if done:
            flash(_("%(n)d credit notes were issued; %(amount)s is to be refunded.",
                    n=len(refunds), amount=yen(sum(r.amount for r in refunds))), "success")
            return redirect(url_for("staff.billing_discontinuation", organization_id=org.id))
    return render_template("billing/staff_discontinuation.html", org=org, form=form,
                           refunds=services.refunds_of(org.id)), (400 if form.errors else 200)
