"""Customer pages of the files area: deliveries (upload, list, detail), guest links (create,
revoke, access log, lists with filters) and the admins' maximum link lifetime.

The upload view parses the multipart body itself with a stream factory that writes each file
straight into the storage's temporary directory (constant memory, per-file limit enforced
while streaming); it is exempt from the global CSRF hook only because that hook would parse
the body first — the form validates its CSRF token itself.
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.exceptions import ClientDisconnected, RequestEntityTooLarge
from werkzeug.formparser import parse_form_data

from portal.accounts.audit import record_event
from portal.web import client_info
from portal.clock import now_utc, today_jst
from portal.contracts.quotas import QuotaExceeded
from portal.web import get_for_org_or_404
from portal.extensions import csrf, db
from portal.sharing import services
from portal.sharing.downloads import send_stored_file, zip_response
from portal.sharing.forms import (
    ACCESS_LABELS,
    STATUS_LABELS,
    DeliveryForm,
    LinkForm,
    RevokeForm,
    SettingsForm,
)
from portal.sharing.messages import error_message
from portal.sharing.models import Delivery, GuestLink
from portal.sharing.storage import get_storage

bp = Blueprint("sharing", __name__)


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


def _customer():
    if current_user.is_staff:  # staff are file-blind (§24(2)): no customer file pages
        abort(404)


def _managed(model, object_id: int):
    obj = get_for_org_or_404(model, object_id, current_user.organization_id)
    if not services.can_manage(current_user, obj):
        abort(404)
    return obj


def _status_arg() -> str | None:
    status = request.args.get("status")
    return status if status in services.LINK_STATUSES else None  # "deleted": not a filter


@bp.route("/deliveries")
@login_required
def deliveries():
    _customer()
    page = max(request.args.get("page", 1, type=int), 1)
    pagination = services.deliveries_page(current_user, page)
    archive = current_user.is_admin and services.archive_available(current_user.organization_id)
    return render_template("sharing/deliveries.html", pagination=pagination, archive=archive)


@bp.route("/deliveries/archive.zip")
@login_required
def archive():
    """A customer admin downloads every file of the organization as one zip, streamed
    (issue 6: until the last day of use; §14(5) deletes the data the day after). Staff are
    file-blind (§24(2)): 404."""
    _customer()
    if not current_user.is_admin:
        abort(403)
    org_id = current_user.organization_id
    if not services.archive_available(org_id):
        abort(404)
    files, names = services.archive_entries(org_id)
    if not files:
        flash(_("Your organization has no files to download."), "info")
        return redirect(url_for("sharing.deliveries"), 303)
    record_event("archive_download", client_info(), user=current_user, files=len(files),
                 bytes=sum(f.size for f in files))
    db.session.commit()
    name = services.sanitize_filename(
        f"{services.organization_name(org_id)}_{today_jst():%Y%m%d}.zip")
    return zip_response(files, name, names)


@bp.route("/deliveries/new", methods=["GET", "POST"])
@csrf.exempt
@login_required
def new_delivery():
    _customer()
    limit = current_app.config["UPLOAD_MAX_FILE_BYTES"]
    if request.method == "GET":
        return _new_page(DeliveryForm(), limit)
    if request.mimetype != "multipart/form-data":
        form = DeliveryForm()
        form.validate()
        form.files.errors = [error_message(services.SharingError("not_multipart"))]
        return _new_page(form, limit, 400)
    try:
        # Refuse at once when even the body's size (less a generous allowance for the form
        # fields and multipart framing) cannot fit; the exact sizes are checked after receipt.
        services.check_upload_fits(current_user.organization_id, request.content_length or 0)
    except QuotaExceeded as exc:
        form = DeliveryForm(formdata=None)
        form.files.errors = [error_message(exc)]
        return _new_page(form, limit, 413)
    storage = get_storage()
    writers = []

    def stream_factory(total_content_length, content_type, filename, content_length=None):
        writer = storage.new_writer(limit)
        writers.append(writer)
        return writer

    try:
        _stream, form_data, files = parse_form_data(
            request.environ, stream_factory=stream_factory, silent=False,
            max_form_memory_size=1024 * 1024,
            max_content_length=limit * services.MAX_FILES + 1024 * 1024,
        )
    except (ClientDisconnected, RequestEntityTooLarge, ValueError, OSError) as exc:
        for writer in writers:
            writer.discard()
        current_app.logger.info("upload not received completely: %r", exc)
        form = DeliveryForm(formdata=None)
        form.files.errors = [error_message(services.SharingError(
            "file_too_large", name="", limit=limit) if isinstance(exc, RequestEntityTooLarge)
            else services.SharingError("upload_interrupted"))]
        return _new_page(form, limit, 413 if isinstance(exc, RequestEntityTooLarge) else 400)

    chosen = [fs for fs in files.getlist("files") if fs.filename]
    used = {id(fs.stream) for fs in chosen}
    for writer in writers:
        if id(writer) not in used:
            writer.discard()
    form = DeliveryForm(formdata=form_data)
    if not form.validate():
        for fs in chosen:
            fs.stream.discard()
        return _new_page(form, limit, 400)
    uploads = [services.Upload(services.sanitize_filename(fs.filename),
                               services.clean_content_type(fs.mimetype), fs.stream) for fs in chosen]
    try:
        delivery, keys = services.create_delivery(
            current_user, subject=form.subject.data, message=form.message.data or "",
            uploads=uploads, form_token=form.form_token.data,
        )
    except (services.SharingError, QuotaExceeded) as exc:
        form.files.errors = [error_message(exc)]
        return _new_page(form, limit, 400)
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        for key in keys:
            storage.delete(key)
        raise
    flash(_("The delivery was saved. Create a guest link to share it."), "success")
    return redirect(url_for("sharing.delivery", delivery_id=delivery.id), 303)


def _new_page(form, limit: int, status: int = 200):
    return render_template("sharing/new_delivery.html", form=form, limit=limit,
                           max_files=services.MAX_FILES), status


@bp.route("/deliveries/<int:delivery_id>")
@login_required
def delivery(delivery_id: int):
    _customer()
    obj = _managed(Delivery, delivery_id)
    form = LinkForm(days=current_app.config["GUEST_LINK_DEFAULT_DAYS"])
    return _delivery_page(obj, form)


def _delivery_page(obj: Delivery, form: LinkForm, status: int = 200):
    return render_template(
        "sharing/delivery.html", delivery=obj, form=form, links=services.delivery_links(obj),
        now=now_utc(), statuses=STATUS_LABELS,
        max_days=services.max_link_days(obj.organization_id),
    ), status


@bp.route("/deliveries/<int:delivery_id>/files/<int:file_id>")
@login_required
def own_file(delivery_id: int, file_id: int):
    """The creator (or an admin) downloads a file of their own organization."""
    _customer()
    obj = _managed(Delivery, delivery_id)
    stored = next((f for f in obj.files if f.id == file_id), None)
    if stored is None:
        abort(404)
    return send_stored_file(stored)


@bp.route("/deliveries/<int:delivery_id>/links", methods=["POST"])
@login_required
def create_link(delivery_id: int):
    _customer()
    obj = _managed(Delivery, delivery_id)
    form = LinkForm()
    if not form.validate():
        return _delivery_page(obj, form, 400)
    try:
        link, token = services.create_link(
            obj, current_user, days=form.days.data, password=form.password.data or None,
            max_downloads=form.max_downloads.data, notify_on_download=form.notify.data,
            label=form.label.data or "", form_token=form.form_token.data,
        )
    except services.SharingError as exc:
        target = form.days if exc.code == "days_out_of_range" else form.max_downloads \
            if exc.code == "invalid_max_downloads" else form.label
        target.errors = [error_message(exc)]
        return _delivery_page(obj, form, 400)
    except QuotaExceeded as exc:
        form.label.errors = [error_message(exc)]
        return _delivery_page(obj, form, 400)
    db.session.commit()
    url = url_for("guest.guest_page", token=token, _external=True)
    # Shown once, in this response only (the database keeps only the token's hash).
    return render_template("sharing/link_created.html", link=link, url=url, delivery=obj)


@bp.route("/links")
@login_required
def links():
    _customer()
    return _links_page(created_by_id=current_user.id, endpoint="sharing.links")


@bp.route("/links/organization")
@login_required
def organization_links():
    _customer()
    if not current_user.is_admin:
        abort(403)
    return _links_page(created_by_id=None, endpoint="sharing.organization_links")


def _links_page(*, created_by_id, endpoint):
    page = max(request.args.get("page", 1, type=int), 1)
    status = _status_arg()
    now = now_utc()
    pagination = services.links_page(current_user.organization_id, created_by_id=created_by_id,
                                     status=status, now=now, page=page)
    org_status = services.organization_status(current_user.organization_id)
    return render_template("sharing/links.html", pagination=pagination, status=status, now=now,
                           statuses=STATUS_LABELS, endpoint=endpoint, org_status=org_status,
                           everyone=created_by_id is None)


@bp.route("/links/<int:link_id>")
@login_required
def link(link_id: int):
    _customer()
    obj = _managed(GuestLink, link_id)
    now = now_utc()
    return render_template("sharing/link.html", link=obj, now=now,
                           status=services.link_status(obj, now), statuses=STATUS_LABELS,
                           log=services.access_log(obj), kinds=ACCESS_LABELS, form=RevokeForm())


@bp.route("/links/<int:link_id>/revoke", methods=["POST"])
@login_required
def revoke_link(link_id: int):
    _customer()
    obj = _managed(GuestLink, link_id)
    if RevokeForm().validate():
        services.revoke_link(obj, current_user)
        db.session.commit()
        flash(_("The guest link was revoked. It no longer opens."), "success")
    return redirect(url_for("sharing.link", link_id=obj.id), 303)


@bp.route("/sharing/settings", methods=["GET", "POST"])
@login_required
def settings():
    _customer()
    if not current_user.is_admin:
        abort(403)
    org_id = current_user.organization_id
    form = SettingsForm(max_link_days=services.max_link_days(org_id))
    if form.validate_on_submit():
        services.set_max_link_days(org_id, form.max_link_days.data, current_user)
        db.session.commit()
        flash(_("The setting was saved."), "success")
        return redirect(url_for("sharing.settings"), 303)
    status = 400 if form.errors else 200
    return render_template("sharing/settings.html", form=form), status

