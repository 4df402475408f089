"""The public guest pages under /g/<token> (SPEC §3.7; terms §1(4), §31(5)).

Anyone holding the URL sees the delivery and downloads its files; no sign-in. The order of
gates: unknown token → 404; organization suspended/terminated, link suspended, revoked,
used up or expired → 410 with a page that says which; PRus organization → residence in Japan
confirmed first (§31(5)); password → asked first (throttled, never locked). What a guest has
passed is kept in the signed session cookie, tied to the link's password hash, so changing
nothing on the server a guest can forge nothing.

Every guest response: `Referrer-Policy: no-referrer` (the token never leaks to other sites),
`X-Robots-Tag: noindex, nofollow` and `Cache-Control: private, no-store`.
"""
from __future__ import annotations

import hashlib

from flask import Blueprint, abort, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from portal.web import client_info
from portal.clock import now_utc
from portal.contracts.services import has_prus_contract
from portal.extensions import db
from portal.sharing import services
from portal.sharing.downloads import send_stored_file, zip_response
from portal.sharing.forms import GuestPasswordForm, ResidenceForm
from portal.sharing.models import GuestLink

guest_bp = Blueprint("guest", __name__)

UNLOCKED_KEY = "guest_unlocked"
RESIDENCE_KEY = "guest_residence"
KEEP = 20  # links remembered per browser


@guest_bp.after_request
def guest_headers(response):
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _fingerprint(link: GuestLink) -> str:
    return hashlib.sha256(f"{link.id}:{link.password_hash}".encode()).hexdigest()[:24]


def _remember(key: str, link: GuestLink) -> None:
    entries = [e for e in session.get(key, []) if e != _fingerprint(link)]
    session[key] = (entries + [_fingerprint(link)])[-KEEP:]


def _passed(key: str, link: GuestLink) -> bool:
    return _fingerprint(link) in session.get(key, [])


def _load(token: str) -> tuple[GuestLink, str]:
    link = services.find_link(token)
    if link is None:
        abort(404)
    return link, services.link_status(link, now_utc())


def _gone(link: GuestLink, status: str):
    return render_template("sharing/guest_gone.html", status=status, link=link), 410


def _gate(link: GuestLink, token: str):
    """A response asking for what is still missing (residence, password), or None."""
    if has_prus_contract(link.organization_id) and not _passed(RESIDENCE_KEY, link):
        return render_template("sharing/guest_residence.html", form=ResidenceForm(), token=token,
                               link=link)
    if link.has_password and not _passed(UNLOCKED_KEY, link):
        return render_template("sharing/guest_password.html", form=GuestPasswordForm(),
                               token=token, link=link, wait=0)
    return None


@guest_bp.route("/g/<token>")
def guest_page(token: str):
    link, status = _load(token)
    if status != "active":
        return _gone(link, status)
    gate = _gate(link, token)
    if gate is not None:
        return gate
    services.record_access(link, "view", client_info())
    db.session.commit()
    return render_template("sharing/guest.html", link=link, token=token,
                           delivery=link.delivery, files=link.delivery.files,
                           sender=services.organization_name(link.organization_id))


@guest_bp.route("/g/<token>/residence", methods=["POST"])
def guest_residence(token: str):
    link, status = _load(token)
    if status != "active":
        return _gone(link, status)
    form = ResidenceForm()
    if not form.validate():
        return render_template("sharing/guest_residence.html", form=form, token=token,
                               link=link), 400
    if form.answer.data != "japan":
        return render_template("sharing/guest_abroad.html", link=link), 403
    _remember(RESIDENCE_KEY, link)
    return redirect(url_for("guest.guest_page", token=token), 303)


@guest_bp.route("/g/<token>/password", methods=["POST"])
def guest_password(token: str):
    link, status = _load(token)
    if status != "active":
        return _gone(link, status)
    if has_prus_contract(link.organization_id) and not _passed(RESIDENCE_KEY, link):
        return redirect(url_for("guest.guest_page", token=token), 303)
    form = GuestPasswordForm()
    if not form.validate():
        return render_template("sharing/guest_password.html", form=form, token=token,
                               link=link, wait=0), 400
    client, now = client_info(), now_utc()
    wait = services.password_wait(link, client.ip_address, now)
    if wait:
        form.password.errors = [_("Too many wrong passwords. Please wait %(n)d seconds and try "
                                  "again.", n=wait)]
        return render_template("sharing/guest_password.html", form=form, token=token,
                               link=link, wait=wait), 429
    if not services.check_password(link, form.password.data, client, now):
        db.session.commit()
        form.password.errors = [_("The password is not correct.")]
        return render_template("sharing/guest_password.html", form=form, token=token,
                               link=link, wait=0), 400
    _remember(UNLOCKED_KEY, link)
    return redirect(url_for("guest.guest_page", token=token), 303)


def _ready(token: str):
    """(link, None) when the guest may download; otherwise (None, response)."""
    link, status = _load(token)
    if status != "active":
        return None, _gone(link, status)
    if _gate(link, token) is not None:
        return None, redirect(url_for("guest.guest_page", token=token), 303)
    return link, None


def _is_continuation() -> bool:
    ranges = request.range
    return bool(ranges and ranges.ranges and (ranges.ranges[0][0] or 0) > 0)


@guest_bp.route("/g/<token>/files/<int:file_id>")
def guest_file(token: str, file_id: int):
    """One file. Counts as one download, except a Range request that resumes (does not start
    at byte 0) a download the same address started within 24 hours, and HEAD requests."""
    client, now = client_info(), now_utc()
    link, status = _load(token)
    if link.delivery is None:
        return _gone(link, status)
    stored = next((f for f in link.delivery.files if f.id == file_id), None)
    if stored is None:
        abort(404)
    resuming = (status in ("active", "used_up") and _is_continuation()
                and services.may_resume(link, stored.id, client.ip_address, now))
    if status != "active" and not resuming:
        return _gone(link, status)
    if _gate(link, token) is not None:
        return redirect(url_for("guest.guest_page", token=token), 303)
    if request.method == "HEAD":
        return send_stored_file(stored)
    if resuming:
        services.record_access(link, "resume", client, stored, now)
    else:
        if not services.claim_download(link.id, now):
            db.session.rollback()
            db.session.refresh(link)
            status = services.link_status(link, now)
            return _gone(link, status if status != "active" else "used_up")
        services.record_access(link, "download", client, stored, now)
        services.notify_download(link, stored.name, client)
    return _commit_then(send_stored_file(stored))


def _commit_then(response):
    """Commit the count and log, then send; the response is built first so it needs nothing
    from the (then expired) session, and its file is closed if the commit fails."""
    try:
        db.session.commit()
    except Exception:
        response.close()
        raise
    return response


@guest_bp.route("/g/<token>/all.zip")
def guest_zip(token: str):
    """All files as one zip streamed on the fly; counts as one download."""
    link, response = _ready(token)
    if link is None:
        return response
    client, now = client_info(), now_utc()
    if not services.claim_download(link.id, now):
        db.session.rollback()
        db.session.refresh(link)
        status = services.link_status(link, now)
        return _gone(link, status if status != "active" else "used_up")
    services.record_access(link, "zip", client, None, now)
    services.notify_download(link, "", client)
    name = services.sanitize_filename(link.delivery.subject) + ".zip"
    return _commit_then(zip_response(list(link.delivery.files), name))
