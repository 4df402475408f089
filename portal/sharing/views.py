"""Customer pages of the files area: deliveries (upload, list, detail, the admins' archive),
guest links (create, revoke, access log, lists with filters) and the admins' longest link
validity. Also the app-wide `filesize` template filter.

Every page is for signed-in customer users; staff get 404 (file-blind, §24(2)): for them
these pages do not exist. The upload page is exempt from the global CSRF hook only because
that hook would parse the body first — `portal.sharing.uploads` streams the body and the form
validates its CSRF token itself.
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.accounts.audit import record_event
from portal.clock import now_utc, today_jst
from portal.extensions import csrf
from portal.pagination import Seek, page_number
from portal.sharing import services, uploads
from portal.sharing.downloads import send_stored_file, zip_response
from portal.sharing.forms import (
    ACCESS_LABELS,
    STATUS_LABELS,
    DeliveryForm,
    LinkForm,
    LinkMailForm,
    RevokeForm,
    SettingsForm,
)
from portal.sharing.models import Delivery, GuestLink
from portal.sharing.services.link_mail import mail_link_to_guest
from portal.web import (
    admin_required,
    client_info,
    get_for_org_or_404,
    require_customer,
    transaction,
)

bp = Blueprint("sharing", __name__)


@bp.before_request
def customers_only():
    """Sign-in for anonymous visitors; 404 for staff (file-blind, §24(2), not merely 403)."""
    if current_user.is_authenticated and current_user.is_staff:
        abort(404)
    return require_customer()


@bp.app_template_filter("filesize")
def filesize(value: int | None) -> str:
    """1,234 B / 12.3 KB / 4.5 MB / 1.2 GB (decimal units, as the price list's quotas);
    exact multiples of a MiB (configured limits) as 2 GiB."""
    value = int(value or 0)
    if value and value % 1024**2 == 0:  # configured limits such as 2 GiB read better as such
        for unit, size in (("GiB", 1024**3), ("MiB", 1024**2)):
            if value % size == 0:
                return f"{value // size:,} {unit}"
    for unit, size in (("TB", 10**12), ("GB", 10**9), ("MB", 10**6), ("KB", 10**3)):
        if value >= size:
            return f"{value / size:,.1f} {unit}"
    return f"{value:,} B"


def _managed(model, object_id: int):
    """The organization's delivery or link, if the user manages it (creator or admin); else 404."""
    obj = get_for_org_or_404(model, object_id, current_user.organization_id)
    if not services.can_manage(current_user, obj):
        abort(404)
    return obj


@bp.route("/deliveries")
def deliveries():
    pagination = services.deliveries_page(current_user, seek=Seek.from_args(request.args))
    archive = current_user.is_admin and services.archive_available(current_user.organization_id)
    return render_template("sharing/deliveries.html", pagination=pagination, archive=archive)


@bp.route("/deliveries/archive.zip")
@admin_required
def archive():
    """A customer admin downloads every file of the organization as one zip, streamed
    (issue 6: until the last day of use; §14(5) deletes the data the day after)."""
    org_id = current_user.organization_id
    if not services.archive_available(org_id):
        abort(404)
    files, names = services.archive_entries(org_id)
    if not files:
        flash(_("Your organization has no files to download."), "info")
        return redirect(url_for("sharing.deliveries"), 303)
    with transaction():
        record_event("archive_download", client_info(), user=current_user, files=len(files),
                     bytes=sum(f.size for f in files))
    return zip_response(files, services.archive_name(org_id, today_jst()), names)


@bp.route("/deliveries/new", methods=["GET", "POST"])
@csrf.exempt
def new_delivery():
    limit = current_app.config["UPLOAD_MAX_FILE_BYTES"]
    if request.method == "GET":
        return _new_page(DeliveryForm(), limit)
    try:
        received = uploads.receive(request, current_user.organization_id, limit)
    except uploads.NotReceived as refusal:
        return _not_received(refusal, limit)
    form = DeliveryForm(formdata=received.formdata)
    valid = form.validate()
    if not received.uploads:  # said together with the form's own errors, not after them
        form.files.errors = [services.SharingError("no_files").message]
    if not valid or not received.uploads:
        services.discard(received.uploads)
        return _new_page(form, limit, 400)
    with transaction(form, field="files") as done:
        delivery = services.create_delivery(
            current_user, subject=form.subject.data, message=form.message.data or "",
            uploads=received.uploads, form_token=form.form_token.data)
    if not done:
        return _new_page(form, limit, 400)
    flash(_("The delivery was saved. Create a guest link to share it."), "success")
    return redirect(url_for("sharing.delivery", delivery_id=delivery.id), 303)


def _not_received(refusal: uploads.NotReceived, limit: int):
    """The upload page again with the refusal under the files field."""
    form = DeliveryForm() if refusal.form_posted else DeliveryForm(formdata=None)
    if refusal.form_posted:
        form.validate()
    form.files.errors = [refusal.error.message]
    return _new_page(form, limit, refusal.status)


def _new_page(form, limit: int, status: int = 200):
    form.subject.flags.required = form.files.flags.required = True  # marked 必須 on the page
    return render_template("sharing/new_delivery.html", form=form, limit=limit,
                           max_files=services.MAX_FILES), status


@bp.route("/deliveries/<int:delivery_id>")
def delivery(delivery_id: int):
    obj = _managed(Delivery, delivery_id)
    form = LinkForm(days=current_app.config["GUEST_LINK_DEFAULT_DAYS"])
    return _delivery_page(obj, form)


def _delivery_page(obj: Delivery, form: LinkForm, status: int = 200):
    return render_template(
        "sharing/delivery.html", delivery=obj, form=form, links=services.delivery_links(obj),
        held=services.quarantines_by_file([f.id for f in obj.files if f.withheld]),
        now=now_utc(), statuses=STATUS_LABELS, suggested_password=services.suggest_password(),
        max_days=services.max_link_days(obj.organization_id),
    ), status


@bp.route("/deliveries/<int:delivery_id>/files/<int:file_id>")
def own_file(delivery_id: int, file_id: int):
    """The creator (or an admin) downloads a file of their own organization."""
    stored = services.stored_file(_managed(Delivery, delivery_id), file_id)
    if stored is None:
        abort(404)
    if stored.withheld:  # the provider holds it (§24(2)②): the delivery page says since when
        flash(_("This file cannot be downloaded: the service provider has quarantined or "
                "deleted it."), "error")
        return redirect(url_for("sharing.delivery", delivery_id=delivery_id), 303)
    return send_stored_file(stored)


@bp.route("/deliveries/<int:delivery_id>/links", methods=["POST"])
def create_link(delivery_id: int):
    obj = _managed(Delivery, delivery_id)
    form = LinkForm()
    if not form.validate():
        return _delivery_page(obj, form, 400)
    with transaction(form, field="label") as done:
        link, token = services.create_link(
            obj, current_user, days=form.days.data, password=form.password.data or None,
            max_downloads=form.max_downloads.data, notify_on_download=form.notify.data,
            label=form.label.data or "", form_token=form.form_token.data,
        )
    if not done:
        return _delivery_page(obj, form, 400)
    url = url_for("guest.guest_page", token=token, _external=True)
    # Shown once, in this response only (the database keeps only the token's hash).
    return render_template("sharing/link_created.html", link=link, url=url, delivery=obj,
                           mail_form=LinkMailForm(token=token))


@bp.route("/links")
def links():
    return _links_page(created_by_id=current_user.id, endpoint="sharing.links")


@bp.route("/links/organization")
@admin_required
def organization_links():
    return _links_page(created_by_id=None, endpoint="sharing.organization_links")


def _links_page(*, created_by_id, endpoint):
    status = services.status_filter(request.args.get("status"))
    now = now_utc()
    pagination = services.links_page(current_user.organization_id, created_by_id=created_by_id,
                                     status=status, now=now,
                                     seek=Seek.from_args(request.args))
    org_status = services.organization_status(current_user.organization_id)
    return render_template("sharing/links.html", pagination=pagination, status=status, now=now,
                           statuses=STATUS_LABELS, endpoint=endpoint, org_status=org_status,
                           everyone=created_by_id is None)


@bp.route("/links/<int:link_id>")
def link(link_id: int):
    obj = _managed(GuestLink, link_id)
    now = now_utc()
    return render_template("sharing/link.html", link=obj, now=now,
                           status=services.link_status(obj, now), statuses=STATUS_LABELS,
                           log=services.access_log(obj, Seek.from_args(request.args)),
                           kinds=ACCESS_LABELS, form=RevokeForm())


@bp.route("/links/<int:link_id>/revoke", methods=["POST"])
def revoke_link(link_id: int):
    obj = _managed(GuestLink, link_id)
    if RevokeForm().validate():
        with transaction() as done:
            services.revoke_link(obj, current_user)
        if done:
            flash(_("The guest link was revoked. It no longer opens."), "success")
    return redirect(url_for("sharing.link", link_id=obj.id), 303)


@bp.route("/sharing/settings", methods=["GET", "POST"])
@admin_required
def settings():
    org_id = current_user.organization_id
    form = SettingsForm(max_link_days=services.max_link_days(org_id))
    if form.validate_on_submit():
        with transaction(form, field="max_link_days") as done:
            services.set_max_link_days(org_id, form.max_link_days.data, current_user)
        if done:
            flash(_("The setting was saved."), "success")
            return redirect(url_for("sharing.settings"), 303)
    status = 400 if form.errors else 200
    return render_template("sharing/settings.html", form=form), status


@bp.route("/links/<int:link_id>/email", methods=["POST"])
def email_link(link_id: int):
    """"Email this link to the guest" (from the page showing a new link): the URL only; the
    sender is told to pass the password another way (`services.link_mail`)."""
    link = _managed(GuestLink, link_id)
    form = LinkMailForm()
    if form.validate_on_submit():
        with transaction(form, field="email") as done:
            mail_link_to_guest(link, form.token.data or "", form.email.data, by=current_user,
                               client=client_info(), note=form.note.data or "")
        if done:
            flash(_("The link was mailed to %(email)s. Tell the guest the password by "
                    "telephone or another channel, not by mail.", email=form.email.data)
                  if link.has_password else
                  _("The link was mailed to %(email)s.", email=form.email.data), "success")
            return redirect(url_for("sharing.link", link_id=link.id))
    return render_template("sharing/link_mail_failed.html", form=form, link=link), 400
