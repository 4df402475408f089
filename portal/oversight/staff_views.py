"""The staff's pages of the provider's powers (on `portal.console.bp`): an organization's
detail with its suspension and resumption forms, its stored files' attributes with the
§24(2)② measures (quarantine, release, deletion), the content pages under a customer's
support grant (§24(1)③⑤, each view logged), the list of organizations consenting to
AI training (§24(6)), the usage statistics across organizations (§24(3), page and CSV) and the
§6(1) list of recommended browsers.

File-blind (§24(2)): the file pages show attributes only; the support pages show content
only under a live grant of the file's own organization (else 403, and nothing is logged)."""
from __future__ import annotations

from flask import Response, abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.accounts.models import Organization
from portal.clock import now_utc, today_jst
from portal.console import bp
from portal.contracts.quotas import format_quota
from portal.extensions import db
from portal.i18n import clause
from portal.oversight import (browsers, charts, detail, file_actions, services, statistics, support,
                              termination)
from portal.oversight.forms import (BrowserForm, DeleteFileForm, DismissForm, QuarantineForm,
                                    ReleaseForm, ResumeForm, SuspendForm, TerminateForm)
from portal.oversight.models import RecommendedBrowser, SupportGrant
from portal.pagination import page_number
from portal.sharing import services as sharing
from portal.sharing.downloads import send_stored_file
from portal.sharing.models import Delivery, StoredFile
from portal.staff_audit import audited
from portal.web import client_info, get_for_org_or_404, transaction


def _detail_page(organization, suspend_form=None, resume_form=None, terminate_form=None,
                 status=200):
    return render_template(
        "oversight/staff_organization.html", d=detail.organization_detail(organization),
        suspend_form=suspend_form or SuspendForm(formdata=None),
        resume_form=resume_form or ResumeForm(formdata=None),
        terminate_form=terminate_form or TerminateForm(formdata=None),
        actions=services.actions_page(organization.id, page_number(request.args.get("page"))),
        grants=support.live_grants(organization.id, now_utc()),
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


# --- §24(2): stored files, attributes only, and the provider's measures ----------------------

@bp.route("/organizations/<int:org_id>/files")
def organization_files(org_id: int):
    """§24(2)①: name, type, size, upload time, delivery and status of every stored file."""
    organization = db.get_or_404(Organization, org_id)
    pagination = sharing.file_attributes_page(org_id, page_number(request.args.get("page")))
    return render_template("oversight/staff_files.html", organization=organization,
                           pagination=pagination)


def _file_page(organization, stored, forms=None, status=200):
    forms = forms or {}
    return render_template(
        "oversight/staff_file.html", organization=organization, file=stored,
        history=sharing.file_history(stored.id),
        quarantine_form=forms.get("quarantine") or QuarantineForm(formdata=None),
        release_form=forms.get("release") or ReleaseForm(formdata=None),
        delete_form=forms.get("delete") or DeleteFileForm(formdata=None)), status


@bp.route("/organizations/<int:org_id>/files/<int:file_id>")
def organization_file(org_id: int, file_id: int):
    organization = db.get_or_404(Organization, org_id)
    return _file_page(organization, get_for_org_or_404(StoredFile, file_id, org_id))


FILE_MEASURES = {
    "quarantine": (QuarantineForm, lambda f, form, by: file_actions.quarantine(
        f, form.ground.data, form.reason.data, by=by), _l("The file was quarantined; nobody can download it.")),
    "release": (ReleaseForm, lambda f, form, by: file_actions.release(f, form.reason.data, by=by),
                _l("The file was released from quarantine.")),
    "delete": (DeleteFileForm, lambda f, form, by: file_actions.delete(f, form.reason.data, by=by),
               _l("The file's contents were deleted; its record stays.")),
}


@bp.route("/organizations/<int:org_id>/files/<int:file_id>/<any(quarantine, release, delete):measure>",
          methods=["POST"])
@audited(reason="reason", organization="org_id")
def organization_file_measure(org_id: int, file_id: int, measure: str):
    """§24(2)②: quarantine, release or delete a file, with the reason (mailed to the admins)."""
    organization = db.get_or_404(Organization, org_id)
    stored = get_for_org_or_404(StoredFile, file_id, org_id)
    form_class, run, done_text = FILE_MEASURES[measure]
    form = form_class()
    if form.validate_on_submit():
        with transaction(form) as done:
            run(stored, form, current_user)
        if done:
            flash(str(done_text), "success")
        if done or not done.error.field:  # e.g. already quarantined: the flash says so
            return redirect(url_for("staff.organization_file", org_id=org_id, file_id=file_id), 303)
    return _file_page(organization, stored, {measure: form}, 400)


# --- §24(1)③⑤: content under a customer's live support grant, every view logged --------------

def _live(grant_id: int):
    """The live grant; an ended one answers the 403 page, an unknown one 404."""
    grant = db.session.get(SupportGrant, grant_id) or abort(404)
    if grant.status(now_utc()) != "live":
        abort(make_response(render_template("oversight/staff_support_closed.html", grant=grant), 403))
    return grant


@bp.route("/support-grants")
def support_grants():
    """Every live grant (the console's queue links here): organization, case, end."""
    return render_template("oversight/staff_support_grants.html",
                           grants=support.all_live_grants(now_utc()))


@bp.route("/support-grants/<int:grant_id>")
def support_grant(grant_id: int):
    """The organization's deliveries (subjects) under the grant; the view is logged."""
    grant = _live(grant_id)
    with transaction():
        support.log_view(grant, current_user, "deliveries", ip_address=client_info().ip_address)
    pagination = sharing.organization_deliveries_page(grant.organization_id,
                                                      page_number(request.args.get("page")))
    return render_template("oversight/staff_support.html", grant=grant, pagination=pagination,
                           organization=db.session.get(Organization, grant.organization_id))


@bp.route("/support-grants/<int:grant_id>/deliveries/<int:delivery_id>")
def support_delivery(grant_id: int, delivery_id: int):
    grant = _live(grant_id)
    delivery = get_for_org_or_404(Delivery, delivery_id, grant.organization_id)
    with transaction():
        support.log_view(grant, current_user, "delivery", delivery_id=delivery.id,
                         ip_address=client_info().ip_address)
    return render_template("oversight/staff_support_delivery.html", grant=grant, delivery=delivery)


@bp.route("/support-grants/<int:grant_id>/files/<int:file_id>")
def support_file(grant_id: int, file_id: int):
    """A file's content under the grant; the view is committed to the log before the first
    byte goes out. A quarantined or deleted file is sent to nobody (§24(2)②)."""
    grant = _live(grant_id)
    stored = get_for_org_or_404(StoredFile, file_id, grant.organization_id)
    if stored.withheld:
        abort(403)
    with transaction():
        support.log_view(grant, current_user, "file", delivery_id=stored.delivery_id,
                         file_id=stored.id, ip_address=client_info().ip_address)
    return send_stored_file(stored)
