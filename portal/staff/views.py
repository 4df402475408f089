"""The staff console's own pages: its home, the organizations list and the outbox (mail
metadata and bodies as queued)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.console import bp, queue_counts
from portal.extensions import db
from portal.mail import STATUSES, OutboxMail
from portal.pagination import Seek, page_number
from portal.staff import audit, services
from portal.staff.forms import TestMailForm
from portal.staff_audit import audited
from portal.web import transaction


@bp.route("/")
def home():
    return render_template("staff/home.html", counts=services.dashboard_counts(),
                           queues=queue_counts())


@bp.route("/organizations")
def organizations():
    pagination = services.organizations_page(page_number(request.args.get("page")))
    return render_template("staff/organizations.html", pagination=pagination)


@bp.route("/outbox")
def outbox():
    status = request.args.get("status")
    if status not in STATUSES:
        status = None
    pagination = services.outbox_page(status, seek=Seek.from_args(request.args))
    return render_template(
        "staff/outbox.html",
        pagination=pagination,
        status=status,
        statuses=STATUSES,
        form=TestMailForm(),
    )


@bp.route("/outbox/test", methods=["POST"])
@audited(reason="reason")
def outbox_test():
    """Queue a test mail, so operators can check the SMTP set-up end to end."""
    form = TestMailForm()
    if not form.validate_on_submit():
        pagination = services.outbox_page(None, 1)
        return render_template(
            "staff/outbox.html", pagination=pagination, status=None, statuses=STATUSES, form=form
        ), 400
    with transaction():
        services.queue_test_mail(form.to_address.data, by=current_user)
    flash(_("A test mail to %(address)s was added to the outbox.", address=form.to_address.data), "success")
    return redirect(url_for("staff.outbox"))


@bp.route("/outbox/<int:mail_id>")
def outbox_mail(mail_id: int):
    mail = db.session.get(OutboxMail, mail_id) or abort(404)
    return render_template("staff/outbox_mail.html", mail=mail)


@bp.route("/audit")
def staff_audit():
    """The staff audit: who did what, when and why; filters by staff member and organization."""
    staff_id = request.args.get("staff", type=int)
    organization_id = request.args.get("organization", type=int)
    pagination = audit.actions_page(staff_id=staff_id, organization_id=organization_id,
                                    page=page_number(request.args.get("page")))
    return render_template("staff/audit.html", pagination=pagination, label=audit.action_label,
                           staff_members=audit.staff_members(), staff_id=staff_id,
                           organization=audit.organization(organization_id),
                           organization_id=organization_id)
