"""Staff pages for notices (/staff/notices…), registered on the staff console's blueprint
(staff only): the list, publishing a notice, a notice's delivery records and incident updates,
and the queues of organizations without a confirmed address and of bounced addresses.
The terms area adds its own page (/staff/terms/new) to the same console."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.console import bp
from portal.extensions import db
from portal.notices import services
from portal.notices.forms import (
    CATEGORY_LABELS,
    INCIDENT_STATUS_LABELS,
    SERVICE_LABELS,
    IncidentUpdateForm,
    NoticeForm,
)
from portal.notices.models import Notice
from portal.pagination import Page, page_number
from portal.rules.jst import JST
from portal.staff_audit import audited
from portal.web import transaction

NOTICES_PER_PAGE = 50
DELIVERIES_PER_PAGE = 100


@bp.route("/notices")
def notices():
    page = page_number(request.args.get("page"))
    rows, total = services.staff_notices_page(page, per_page=NOTICES_PER_PAGE)
    return render_template("notices/staff_list.html", categories=CATEGORY_LABELS,
                           pagination=Page(page, NOTICES_PER_PAGE, total, rows))


def _draft(form: NoticeForm) -> services.NoticeDraft:
    """The form's values as a draft (the scheduled time is entered in Japan time)."""
    publish_at = None
    if form.timing.data == "scheduled":
        if form.publish_at.data is None:
            raise services.NoticeError("scheduled_in_past", field="publish_at")
        publish_at = form.publish_at.data.replace(tzinfo=JST)
    return services.NoticeDraft(
        category=form.category.data,
        title_ja=form.title_ja.data or "",
        source_ja=form.source_ja.data or "",
        title_en=form.title_en.data or "",
        source_en=form.source_en.data or "",
        audience=form.audience.data,
        service_code=form.service_code.data or None,
        organization_ids=form.org_id_list(),
        effective_date=form.effective_date.data,
        discontinuation_basis=form.discontinuation_basis.data or None,
        transferee_name=form.transferee_name.data or "",
        send_email=bool(form.send_email.data),
        publish_at=publish_at,
        form_token=form.form_token.data or "",
    )


def _flash_saved(notice: Notice, created: bool) -> None:
    if not created:
        flash(_("This notice was already saved."), "info")
    elif notice.published_at:
        flash(_("The notice was published."), "success")
    else:
        flash(_("The notice was scheduled."), "success")


@bp.route("/notices/new", methods=["GET", "POST"])
@audited(reason="reason")
def notice_new():
    form = NoticeForm()
    if form.validate_on_submit():
        with transaction(form, field="category") as done:  # errors land at their own field
            notice, created = services.create_notice(_draft(form), staff=current_user)
        if done:
            _flash_saved(notice, created)
            return redirect(url_for("staff.notice_detail", notice_id=notice.id))
    return render_template("notices/staff_form.html", form=form), (400 if form.errors else 200)


@bp.route("/notices/<int:notice_id>")
def notice_detail(notice_id: int):
    return _detail(db.get_or_404(Notice, notice_id), IncidentUpdateForm())


def _detail(notice: Notice, update_form: IncidentUpdateForm, status: int = 200):
    unreached = request.args.get("unreached") == "1"
    page = page_number(request.args.get("page"))
    rows, total = services.delivery_rows(notice, unreached_only=unreached, page=page,
                                         per_page=DELIVERIES_PER_PAGE)
    return render_template(
        "notices/staff_detail.html", notice=notice, unreached=unreached,
        deliveries=Page(page, DELIVERIES_PER_PAGE, total, rows),
        summary=services.delivery_summary(notice), form=update_form,
        categories=CATEGORY_LABELS, services_labels=SERVICE_LABELS,
        statuses=INCIDENT_STATUS_LABELS,
    ), status


@bp.route("/notices/<int:notice_id>/updates", methods=["POST"])
@audited(reason="reason")
def notice_update(notice_id: int):
    notice = db.get_or_404(Notice, notice_id)
    form = IncidentUpdateForm()
    if form.validate_on_submit():
        with transaction(form, field="status") as done:
            services.add_update(notice, status=form.status.data, source_ja=form.source_ja.data,
                                source_en=form.source_en.data or "", staff=current_user,
                                form_token=form.form_token.data or "")
        if done:
            flash(_("The update was posted."), "success")
            return redirect(url_for("staff.notice_detail", notice_id=notice.id))
    return _detail(notice, form, 400)


@bp.route("/notification-addresses/missing")
def organizations_missing_address():
    """Organizations with a paid contract and no confirmed notification address (§10)."""
    pagination = services.organizations_missing_address(page_number(request.args.get("page")))
    return render_template("notices/staff_missing_addresses.html", pagination=pagination)


@bp.route("/notification-addresses/bounced")
def bounced_addresses():
    """Notification addresses that bounced (§10(2)): refused by the SMTP server or reported
    by a delivery status notification; left out of notices until confirmed again."""
    pagination = services.bounced_address_page(page_number(request.args.get("page")))
    return render_template("notices/staff_bounced_addresses.html", pagination=pagination)


@bp.route("/mail-bounces")
def reported_bounces():
    """Every delivery status notification recorded by `flask portal bounces`, whatever mail
    it was about: staff see a partner contact or a user address that no longer works."""
    pagination = services.reported_bounces_page(page_number(request.args.get("page")))
    return render_template("notices/staff_reported_bounces.html", pagination=pagination)
