"""Staff console pages."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.clock import now_utc
from portal.extensions import db
from portal.mail import STATUSES, OutboxMail, queue_mail
from portal.console import bp
from portal.staff import services
from portal.staff.forms import TestMailForm


@bp.route("/")
def home():
    return render_template("staff/home.html", counts=services.dashboard_counts())


@bp.route("/organizations")
def organizations():
    page = max(request.args.get("page", 1, type=int), 1)
    rows, total = services.organizations_page(page)
    return render_template("staff/organizations.html", rows=rows, total=total, page=page)


@bp.route("/outbox")
def outbox():
    status = request.args.get("status")
    if status not in STATUSES:
        status = None
    page = max(request.args.get("page", 1, type=int), 1)
    pagination = services.outbox_page(status, page)
    return render_template(
        "staff/outbox.html",
        pagination=pagination,
        status=status,
        statuses=STATUSES,
        form=TestMailForm(),
    )


@bp.route("/outbox/test", methods=["POST"])
def outbox_test():
    """Queue a test mail, so operators can check the SMTP set-up end to end."""
    form = TestMailForm()
    if not form.validate_on_submit():
        pagination = services.outbox_page(None, 1)
        return render_template(
            "staff/outbox.html", pagination=pagination, status=None, statuses=STATUSES, form=form
        ), 400
    queue_mail(
        "test",
        form.to_address.data,
        "test_mail",
        requested_by=current_user.name or current_user.login_id,
        created_at=now_utc(),
    )
    db.session.commit()
    flash(_("A test mail to %(address)s was added to the outbox.", address=form.to_address.data), "success")
    return redirect(url_for("staff.outbox"))


@bp.route("/outbox/<int:mail_id>")
def outbox_mail(mail_id: int):
    mail = db.session.get(OutboxMail, mail_id) or abort(404)
    return render_template("staff/outbox_mail.html", mail=mail)
