"""The public guest pages under /g/<token> (SPEC §3.7; terms §1(4), §31(5)).

Anyone holding the URL sees the delivery and downloads its files; no sign-in. The gates, in
order, are decided by `services.next_step`: unknown token → 404; organization
suspended/terminated, link suspended, revoked, used up or expired → 410 with a page that says
which; PRus organization → residence in Japan confirmed first (§31(5)); password → asked first
(throttled, never locked). What a guest has passed is kept in the signed session cookie, tied
to the link's password hash, so changing nothing on the server a guest can forge nothing.
A file the provider quarantined or deleted (§24(2)②) answers 403 and stays out of the zip;
a signed-in staff member gets 404 on every guest URL (file-blind, §24(2)).

Every guest response: `Referrer-Policy: no-referrer` (the token never leaks to other sites),
`X-Robots-Tag: noindex, nofollow` and `Cache-Control: private, no-store`. Each guest browser
gets a random id in its session cookie (`BROWSER_KEY`): a Range request may resume only that
browser's own interrupted download (`services.resumes`).
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeSerializer

from portal.clock import now_utc
from portal.extensions import db
from portal.sharing import services
from portal.sharing.downloads import measured, send_stored_file, zip_response
from portal.sharing.forms import GuestPasswordForm, ResidenceForm
from portal.sharing.models import GuestLink
from portal.web import client_info, transaction

guest_bp = Blueprint("guest", __name__)

UNLOCKED_KEY = "guest_unlocked"
RESIDENCE_KEY = "guest_residence"
BROWSER_KEY = "guest_browser"
KEEP = 20  # links remembered per browser
KNOWN_MAX_AGE = 365 * 24 * 3600  # the longest link lifetime


@guest_bp.before_request
def not_for_staff():
    """Staff are file-blind (§24(2)): signed in as staff, a guest URL does not exist (404)."""
    if current_user.is_authenticated and current_user.is_staff:
        abort(404)


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


def _known_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="guest-known")


def _known_links() -> list[str]:
    """Links this browser entered the right password of (a signed, long-lived cookie)."""
    raw = request.cookies.get(current_app.config["GUEST_KNOWN_COOKIE_NAME"], "")
    try:
        value = _known_serializer().loads(raw) if raw else []
    except BadSignature:
        return []
    return [v for v in value if isinstance(v, str)][-KEEP:] if isinstance(value, list) else []


def _link_mark(link: GuestLink) -> str:
    return hashlib.sha256(f"known:{link.id}:{link.token_hash}".encode()).hexdigest()[:24]


def _remember_known(response, link: GuestLink):
    """Remember that this browser knows the link's password: it never spends the link's
    shared guess budget again (services.guest_passwords)."""
    marks = [m for m in _known_links() if m != _link_mark(link)] + [_link_mark(link)]
    cfg = current_app.config
    response.set_cookie(cfg["GUEST_KNOWN_COOKIE_NAME"], _known_serializer().dumps(marks[-KEEP:]),
                        max_age=KNOWN_MAX_AGE, path="/", httponly=True,
                        secure=bool(cfg.get("HTTPS")), samesite="Lax")
    return response


def _step(token: str, now: datetime, file: services.FileRequest | None = None):
    """The link of the token (404 when there is none) and what its guest may do next."""
    link = services.find_link(token)
    if link is None:
        abort(404)
    return link, services.next_step(link, now, residence_confirmed=_passed(RESIDENCE_KEY, link),
                                    unlocked=_passed(UNLOCKED_KEY, link), file=file)


def _not_open(link: GuestLink, step: services.Step, token: str, *, ask_here: bool = False):
    """The answer to a step other than going on: the 410 page, or the question still open —
    asked on this page (`ask_here`, the guest page) or by sending the guest back to it."""
    if step.action == services.GONE:
        return _gone(link, step.status)
    if not ask_here:
        return redirect(url_for("guest.guest_page", token=token), 303)
    if step.action == services.ASK_RESIDENCE:
        return _residence_page(ResidenceForm(), token, link)
    return _password_page(GuestPasswordForm(), token, link)


def _gone(link: GuestLink, status: str):
    return render_template("sharing/guest_gone.html", status=status, link=link), 410


def _residence_page(form, token: str, link: GuestLink, status: int = 200):
    return render_template("sharing/guest_residence.html", form=form, token=token,
                           link=link), status


def _password_page(form, token: str, link: GuestLink, status: int = 200, wait: int = 0):
    return render_template("sharing/guest_password.html", form=form, token=token, link=link,
                           wait=wait), status


@guest_bp.route("/g/<token>")
def guest_page(token: str):
    link, step = _step(token, now_utc())
    if step.action != services.OPEN:
        return _not_open(link, step, token, ask_here=True)
    # Rendered before the view is logged: the commit expires every loaded object, and the
    # page would reload the link, its delivery and each file one statement at a time.
    page = render_template("sharing/guest.html", link=link, token=token,
                           delivery=link.delivery, files=link.delivery.files,
                           sender=services.organization_name(link.organization_id))
    with transaction():
        services.record_access(link, "view", client_info())
    return page


@guest_bp.route("/g/<token>/residence", methods=["POST"])
def guest_residence(token: str):
    link, step = _step(token, now_utc())
    if step.action == services.GONE:
        return _gone(link, step.status)
    form = ResidenceForm()
    if not form.validate():
        return _residence_page(form, token, link, 400)
    if form.answer.data != "japan":
        return render_template("sharing/guest_abroad.html", link=link), 403
    _remember(RESIDENCE_KEY, link)
    return redirect(url_for("guest.guest_page", token=token), 303)


@guest_bp.route("/g/<token>/password", methods=["POST"])
def guest_password(token: str):
    now = now_utc()
    link, step = _step(token, now)
    if step.action in (services.GONE, services.ASK_RESIDENCE):
        return _not_open(link, step, token)
    form = GuestPasswordForm()
    if not form.validate():
        return _password_page(form, token, link, 400)
    try:
        services.unlock(link, form.password.data, client_info(), now,
                        known=_link_mark(link) in _known_links())
    except services.SharingError as exc:
        # A wrong password stays logged although refused: the throttles count it.
        db.session.commit()
        form.password.errors = [exc.message]
        wait = exc.details.get("wait", 0)
        return _password_page(form, token, link, 429 if wait else 400, wait)
    db.session.commit()  # the refunded guess of the right password
    _remember(UNLOCKED_KEY, link)
    return _remember_known(redirect(url_for("guest.guest_page", token=token), 303), link)


def _browser() -> str:
    """The hashed id of this guest browser (a random id kept in its session cookie)."""
    if not session.get(BROWSER_KEY):
        session[BROWSER_KEY] = secrets.token_urlsafe(16)
    return services.browser_hash(session[BROWSER_KEY])


def _continuation(size: int | None = None) -> int | None:
    """For a single-range request that does not start at byte 0: the bytes it asks for
    (of a file of `size`); else None."""
    ranges = request.range
    if not ranges or len(ranges.ranges) != 1 or (ranges.ranges[0][0] or 0) <= 0:
        return None
    if size is None:
        return 1
    bounds = ranges.range_for_length(size)
    return bounds[1] - bounds[0] if bounds else None


@guest_bp.route("/g/<token>/files/<int:file_id>", methods=["GET"])
def guest_file(token: str, file_id: int):
    """One file. Counts as one download, except a Range request that resumes this browser's
    interrupted download (`services.resumes`), and HEAD requests (headers only, never bytes)."""
    client, now = client_info(), now_utc()
    wanted = services.FileRequest(file_id, _browser(), _continuation() is not None,
                                  head=request.method == "HEAD")
    link, step = _step(token, now, wanted)
    if step.action == services.NO_SUCH_FILE:
        abort(404)
    if step.action == services.WITHHELD:
        return _withheld(link, step.file)
    if step.action == services.HEAD_ONLY:
        return send_stored_file(step.file)
    if step.action not in (services.OPEN, services.RESUME):
        return _not_open(link, step, token)
    grant = _claim(link, client, now, step.file, resume_length=_continuation(step.file.size))
    if not isinstance(grant, services.Grant):
        return grant  # the 410 page
    accel = bool(current_app.config.get("X_ACCEL_REDIRECT_PREFIX"))
    return _commit_then(measured(send_stored_file(step.file),
                                 services.on_close(grant, measured=not accel)))


@guest_bp.route("/g/<token>/all.zip")
def guest_zip(token: str):
    """All files as one zip streamed on the fly; counts as one download."""
    client, now = client_info(), now_utc()
    link, step = _step(token, now)
    if step.action != services.OPEN:
        return _not_open(link, step, token)
    files = [f for f in link.delivery.files if not f.withheld]  # §24(2)②: held files stay out
    if not files:
        return _withheld(link, None)
    grant = _claim(link, client, now)
    if not isinstance(grant, services.Grant):
        return grant
    name = services.sanitize_filename(link.delivery.subject) + ".zip"
    return _commit_then(zip_response(files, name))


def _withheld(link: GuestLink, stored):
    """The provider holds the file (or every file): nothing is sent or counted (§24(2)②)."""
    return render_template("sharing/guest_withheld.html", link=link, file=stored), 403


def _claim(link: GuestLink, client, now: datetime, file=None, *, resume_length=None):
    """The grant once the download is counted (or resumed) and logged; else (none left) the
    410 page."""
    grant = services.take_download(link, client, now, file, browser=_browser(),
                                   resume_length=resume_length)
    if grant is not None:
        return grant
    # The refused claim wrote nothing; a new transaction lets the refresh read the winner's commit.
    db.session.rollback()
    db.session.refresh(link)
    status = services.link_status(link, now)
    return _gone(link, status if status != "active" else "used_up")


def _commit_then(response):
    """Commit the count and log, then send; the response is built first so it needs nothing
    from the (then expired) session, and its file is closed if the commit fails."""
    try:
        # Commit before any byte goes out: the claim must hold even if the guest disconnects.
        db.session.commit()
    except Exception:
        response.close()
        raise
    return response

