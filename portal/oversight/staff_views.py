"""The staff's pages of the provider's powers (on `portal.console.bp`): an organization's
detail with its suspension and resumption forms, the list of organizations consenting to
AI training (§24(6)), the usage statistics across organizations (§24(3), page and CSV) and the
§6(1) list of recommended browsers."""
from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.accounts.models import Organization
from portal.clock import today_jst
from portal.console import bp
from portal.contracts.quotas import format_quota
from portal.extensions import db
from portal.i18n import clause
from portal.oversight import browsers, charts, detail, services, statistics, termination
from portal.oversight.forms import BrowserForm, DismissForm, ResumeForm, SuspendForm, TerminateForm
from portal.oversight.models import RecommendedBrowser
from portal.pagination import page_number
from portal.staff_audit import audited
from portal.web import transaction


def _detail_page(organization, suspend_form=None, resume_form=None, terminate_form=None,
                 status=200):
    return render_template(
        "oversight/staff_organization.html", d=detail.organization_detail(organization),
        suspend_form=suspend_form or SuspendForm(formdata=None),
        resume_form=resume_form or ResumeForm(formdata=None),
        terminate_form=terminate_form or TerminateForm(formdata=None),
        actions=services.actions_page(organization.id, page_number(request.args.get("page"))),
    ), status


@bp.route("/organizations/<int:org_id>")
def organization_detail(org_id: int):
    return _detail_page(db.get_or_404(Organization, org_id))


@bp.route("/organizations/<int:org_id>/suspend", methods=["POST"])
@audited(reason="reason", organization="org_id")
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
@audited(reason="reason", organization="org_id")
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


@bp.route("/organizations/<int:org_id>/terminate", methods=["POST"])
@audited(reason="notice", organization="org_id")
def organization_terminate(org_id: int):
    """§15(1): terminate with the ground and the reason (the written notice)."""
    organization = db.get_or_404(Organization, org_id)
    form = TerminateForm()
    if form.validate_on_submit():
        with transaction(form) as done:
            termination.terminate(organization, form.ground.data, form.notice.data,
                                  by=current_user, today=today_jst())
        if done:
            flash(_("The contract was terminated (%(clause)s%(ground)s) and the notice was mailed.",
                    clause=clause("§15(1)"), ground=form.ground.data), "success")
        if done or not done.error.field:
            return redirect(url_for("staff.organization_detail", org_id=org_id))
    return _detail_page(organization, terminate_form=form, status=400)


@bp.route("/ai-training-consents")
def ai_training_consents():
    pagination = services.consenting_organizations(page_number(request.args.get("page")))
    return render_template("oversight/staff_consents.html", pagination=pagination)


def _csv_labels() -> dict[str, str]:
    return {"section": _("Section"), "group": _("Service"), "item": _("Item"), "value": _("Value"),
            "note": _("Note"), "suppressed": _("suppressed (fewer than 5 organizations)"),
            "organizations_by_plan": _("Organizations by plan"), "totals": _("Totals"),
            "sign_ins_per_day": _("Sign-ins per day"), "users": _("Users"),
            "files": _("Stored files"), "storage_bytes": _("Storage (bytes)"),
            "guest_links": _("Active guest links"), "browser_shares": _("Browser shares"),
            "os_shares": _("OS shares"), "other": _("Other")}


@bp.route("/statistics")
def statistics_page():
    """§24(3): aggregates across organizations as SVG charts; nothing identifies a customer."""
    stats = statistics.compile_statistics(today_jst())
    return render_template("oversight/staff_statistics.html", stats=stats,
                           plan_chart=charts.hbars(stats.by_plan),
                           sign_in_chart=charts.columns(stats.sign_ins),
                           browser_chart=charts.hbars(stats.browsers, label_width=170),
                           os_chart=charts.hbars(stats.systems, label_width=170),
                           format_quota=format_quota)


@bp.route("/statistics.csv")
def statistics_csv():
    stats = statistics.compile_statistics(today_jst())
    return Response(statistics.csv_text(stats, _csv_labels()), mimetype="text/csv",
                    headers={"Content-Disposition":
                             f'attachment; filename="usage-statistics-{stats.last.isoformat()}.csv"'})


@bp.route("/recommended-browsers", methods=["GET", "POST"])
@audited(reason="reason")
def recommended_browsers():
    """§6(1): the list of recommended browsers (the public page and the banner read it)."""
    form = BrowserForm()
    if form.validate_on_submit():
        with transaction(form) as done:
            services.save_browser(None, **_browser_values(form))
        if done:
            flash(_("The browser was added to the recommended environment."), "success")
            return redirect(url_for("staff.recommended_browsers"))
    return render_template("oversight/staff_browsers.html", form=form, browser=None,
                           listed=browsers.recommended()), 400 if form.errors else 200


@bp.route("/recommended-browsers/<int:browser_id>", methods=["GET", "POST"])
@audited(reason="reason")
def recommended_browser(browser_id: int):
    browser = db.get_or_404(RecommendedBrowser, browser_id)
    form = BrowserForm(obj=browser)
    if form.validate_on_submit():
        with transaction(form) as done:
            services.save_browser(browser, **_browser_values(form))
        if done:
            flash(_("The recommended environment was saved."), "success")
            return redirect(url_for("staff.recommended_browsers"))
    return render_template("oversight/staff_browsers.html", form=form, browser=browser,
                           listed=browsers.recommended()), 400 if form.errors else 200


@bp.route("/recommended-browsers/<int:browser_id>/delete", methods=["POST"])
@audited(reason="reason")
def recommended_browser_delete(browser_id: int):
    browser = db.get_or_404(RecommendedBrowser, browser_id)
    if DismissForm().validate_on_submit():  # (a form with only its CSRF token)
        with transaction():
            services.delete_browser(browser)
        flash(_("The browser was removed from the recommended environment."), "success")
    return redirect(url_for("staff.recommended_browsers"))


def _browser_values(form) -> dict:
    return {"family": form.family.data, "name": form.name.data, "min_version": form.min_version.data,
            "systems": form.systems.data or "", "sort_order": form.sort_order.data or 0}
