"""Staff pages for notices (/staff/notices…), registered on the staff blueprint (staff only):
the list, publishing a notice, a notice's delivery records and incident updates."""
from __future__ import annotations


from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.extensions import db
from portal.notices import services
from portal.notices.forms import (
    CATEGORY_LABELS,
    INCIDENT_STATUS_LABELS,
    SERVICE_LABELS,
    IncidentUpdateForm,
    NoticeForm,
)
from portal.notices.messages import error_message
from portal.notices.models import Notice
from portal.rules.jst import JST
from portal.console import bp


@bp.route("/notices")
def notices():
    page = max(request.args.get("page", 1, type=int), 1)
    rows, total = services.staff_notices_page(page)
    return render_template("notices/staff_list.html", rows=rows, total=total, page=page,
                           categories=CATEGORY_LABELS)


def _draft(form: NoticeForm) -> services.NoticeDraft:
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
        send_email=bool(form.send_email.data),
        publish_at=publish_at,
        form_token=form.form_token.data or "",
    )


@bp.route("/notices/new", methods=["GET", "POST"])
def notice_new():
    form = NoticeForm()
    if form.validate_on_submit():
        try:
            notice, created = services.create_notice(_draft(form), staff=current_user)
        except services.NoticeError as exc:
            getattr(form, exc.field or "category").errors.append(error_message(exc))
        else:
            db.session.commit()
            if created:
                if notice.published_at:
                    flash(_("The notice was published."), "success")
                else:
                    flash(_("The notice was scheduled."), "success")
            else:
                flash(_("This notice was already saved."), "info")
            return redirect(url_for("staff.notice_detail", notice_id=notice.id))
    return render_template("notices/staff_form.html", form=form), (400 if form.errors else 200)


@bp.route("/notices/<int:notice_id>")
def notice_detail(notice_id: int):
    notice = db.session.get(Notice, notice_id) or abort(404)
    return _detail(notice, IncidentUpdateForm())


def _detail(notice: Notice, update_form: IncidentUpdateForm, status: int = 200):
    unreached = request.args.get("unreached") == "1"
    page = max(request.args.get("page", 1, type=int), 1)
    rows, total = services.delivery_rows(notice, unreached_only=unreached, page=page)
    return render_template(
        "notices/staff_detail.html", notice=notice, rows=rows, total=total, page=page,
        unreached=unreached, summary=services.delivery_summary(notice), form=update_form,
        categories=CATEGORY_LABELS, services_labels=SERVICE_LABELS,
        statuses=INCIDENT_STATUS_LABELS,
    ), status


@bp.route("/notices/<int:notice_id>/updates", methods=["POST"])
def notice_update(notice_id: int):
    notice = db.session.get(Notice, notice_id) or abort(404)
    form = IncidentUpdateForm()
    if form.validate_on_submit():
        try:
            services.add_update(notice, status=form.status.data, source_ja=form.source_ja.data,
                                source_en=form.source_en.data or "", staff=current_user,
                                form_token=form.form_token.data or "")
        except services.NoticeError as exc:
            getattr(form, exc.field or "status").errors.append(error_message(exc))
        else:
            db.session.commit()
            flash(_("The update was posted."), "success")
            return redirect(url_for("staff.notice_detail", notice_id=notice.id))
    return _detail(notice, form, 400)


@bp.route("/terms/new", methods=["GET", "POST"])
def terms_new():
    """Publish a new terms version with its terms-change notice (§17(1))."""
    from portal.notices.forms import TermsVersionForm
    from portal.terms.publishing import publish_version

    form = TermsVersionForm()
    if form.validate_on_submit():
        try:
            _version, notice, created = publish_version(
                version=form.version.data, title=form.title.data, body=form.body.data,
                effective_date=form.effective_date.data, staff=current_user,
                notice_title=form.notice_title.data or "", notice_body=form.notice_body.data or "",
                form_token=form.form_token.data or "")
        except services.NoticeError as exc:
            field = exc.field if exc.field in form._fields else "effective_date"
            form[field].errors.append(error_message(exc))
        else:
            db.session.commit()
            flash(_("The new terms version was published with its notice.") if created
                  else _("This notice was already saved."), "success" if created else "info")
            return redirect(url_for("staff.notice_detail", notice_id=notice.id))
    return render_template("notices/staff_terms_form.html", form=form), (400 if form.errors else 200)
