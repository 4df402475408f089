"""The staff's pages of the provider's powers (on `portal.console.bp`): an organization's
detail with its suspension and resumption forms, and the list of organizations consenting to
AI training (§24(6))."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.accounts.models import Organization
from portal.console import bp
from portal.extensions import db
from portal.i18n import clause
from portal.oversight import detail, services
from portal.oversight.forms import ResumeForm, SuspendForm
from portal.pagination import page_number
from portal.web import transaction


def _detail_page(organization, suspend_form=None, resume_form=None, status=200):
    return render_template(
        "oversight/staff_organization.html", d=detail.organization_detail(organization),
        suspend_form=suspend_form or SuspendForm(formdata=None),
        resume_form=resume_form or ResumeForm(formdata=None),
        actions=services.actions_page(organization.id, page_number(request.args.get("page"))),
    ), status


@bp.route("/organizations/<int:org_id>")
def organization_detail(org_id: int):
    return _detail_page(db.get_or_404(Organization, org_id))


@bp.route("/organizations/<int:org_id>/suspend", methods=["POST"])
def organization_suspend(org_id: int):
    organization = db.get_or_404(Organization, org_id)
    form = SuspendForm()
    if form.validate_on_submit():
        with transaction(form) as done:
            services.suspend(organization, form.clause.data, form.reason.data, by=current_user)
        if done:
            flash(_("The organization was suspended (%(clause)s).",
                    clause=clause(form.clause.data)), "success")
        if done or not done.error.field:  # already suspended: the flash says so
            return redirect(url_for("staff.organization_detail", org_id=org_id))
    return _detail_page(organization, suspend_form=form, status=400)


@bp.route("/organizations/<int:org_id>/resume", methods=["POST"])
def organization_resume(org_id: int):
    organization = db.get_or_404(Organization, org_id)
    form = ResumeForm()
    if form.validate_on_submit():
        with transaction(form) as done:
            services.resume(organization, form.reason.data, by=current_user)
        if done:
            flash(_("The organization was resumed; its users and guest links work again."), "success")
        if done or not done.error.field:
            return redirect(url_for("staff.organization_detail", org_id=org_id))
    return _detail_page(organization, resume_form=form, status=400)


@bp.route("/ai-training-consents")
def ai_training_consents():
    pagination = services.consenting_organizations(page_number(request.args.get("page")))
    return render_template("oversight/staff_consents.html", pagination=pagination)
