"""What a guest holding a link may do (SPEC §3.7; terms §1(4), §31(5)): the gate of the
guest pages, the atomic claim of a download, resumed downloads, the access log and the mail
to the link's creator.

`next_step` is the one decision: given the link, what the guest has already passed
(residence in Japan confirmed, password entered — kept by the guest pages in the signed
session cookie) and, for a file, the request's shape, it says what comes next: refuse (410
naming the status, or 404 for a file not in the delivery), ask for the residence (§31(5),
PRus organizations) or the password, or go on (show the delivery / count a download), resume
an interrupted counted download of the same browser (`resumes`), or answer a HEAD request
without counting (and without bytes; on a link that is not active HEAD gets the 410 page).
A file the provider quarantined or deleted (§24(2)②) is `WITHHELD`: never sent, not counted.
The order of the gates is the order of the checks below.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from user_agents import parse as parse_user_agent

from portal.accounts.models import User
from portal.clock import now_utc
from portal.contracts.services import has_prus_contract
from portal.domain import ClientInfo
from portal.extensions import db
from portal.mail import queue_mail
from portal.sharing.models import GuestAccess, GuestLink, StoredFile
from portal.sharing.services.deliveries import stored_file
from portal.sharing.services.links import link_status
from portal.sharing.services.resumes import Grant, claim_resume, open_download, resumable
from portal.web import external_url

# What a guest may do next (`Step.action`).
GONE = "gone"                    # 410; `Step.status` says why
NO_SUCH_FILE = "no_such_file"    # 404: the file is not in the link's delivery
ASK_RESIDENCE = "ask_residence"  # §31(5): residence in Japan to confirm first
ASK_PASSWORD = "ask_password"
OPEN = "open"                    # see the delivery; for a file or the zip: one counted download
RESUME = "resume"                # serve a continuation of a download already counted
HEAD_ONLY = "head_only"          # a HEAD request: headers, not counted
WITHHELD = "withheld"            # the provider quarantined or deleted the file (§24(2)②)


@dataclass(frozen=True)
class FileRequest:
    """A request for one file of the delivery, as far as the gate needs to know it."""

    file_id: int
    browser: str        # the hashed id of the guest's browser ("" without a cookie)
    continuation: bool  # a single-range Range request that does not start at byte 0
    head: bool = False


@dataclass(frozen=True)
class Step:
    """What the guest may do next; `status` is the link's status, `file` the requested file."""

    action: str
    status: str
    file: StoredFile | None = None


def next_step(link: GuestLink, now: datetime, *, residence_confirmed: bool, unlocked: bool,
              file: FileRequest | None = None) -> Step:
    """What a guest of `link` may do next (see the module's docstring for the actions).

    Without `file`: the delivery page or the zip of all files. With `file`: one file; a
    continuation of an interrupted counted download of the same browser (`resumes`) is
    served even when the link has just been used up by that very download. `residence_confirmed` and `unlocked` are what the
    guest has passed for this link (and its current password)."""
    status = link_status(link, now)
    stored, resuming = None, False
    if file is not None:
        if link.delivery is None:
            return Step(GONE, status)
        stored = stored_file(link.delivery, file.file_id)
        if stored is None:
            return Step(NO_SUCH_FILE, status)
        resuming = (status in ("active", "used_up") and file.continuation and not file.head
                    and resumable(link, stored.id, file.browser, now) is not None)
    if status != "active" and not resuming:
        return Step(GONE, status, stored)
    if has_prus_contract(link.organization_id) and not residence_confirmed:
        return Step(ASK_RESIDENCE, status, stored)
    if link.has_password and not unlocked:
        return Step(ASK_PASSWORD, status, stored)
    if stored is not None and stored.withheld:  # no download, resume or HEAD (§24(2)②)
        return Step(WITHHELD, status, stored)
    if file is not None and file.head:
        return Step(HEAD_ONLY, status, stored)
    return Step(RESUME if resuming else OPEN, status, stored)


def take_download(link: GuestLink, client: ClientInfo, now: datetime,
                  file: StoredFile | None = None, *, browser: str = "",
                  resume_length: int | None = None) -> Grant | None:
    """Count one download of `file` (None: all files as one zip) and log it, mailing the
    creator when the link asks for it. With `resume_length` (a Range continuation of
    `resume_length` bytes) first try to resume this browser's interrupted download of the
    file within its byte budget: then nothing is counted, only logged ("resume"); a
    continuation that is no resume is counted like any download.

    Returns the `Grant` the response sends under (download_id 0 for the zip), or None, having
    written nothing, when no download is left (another request took the last one): the
    caller answers 410."""
    if file is not None and resume_length is not None:
        download = resumable(link, file.id, browser, now)
        grant = claim_resume(download, resume_length) if download is not None else None
        if grant is not None:
            record_access(link, "resume", client, file, now)
            return grant
    if not claim_download(link.id, now):
        return None
    record_access(link, "download" if file is not None else "zip", client, file, now)
    notify_download(link, file.name if file is not None else "", client)
    return open_download(link, file, browser, now) if file is not None else Grant(0)


def claim_download(link_id: int, now: datetime) -> bool:
    """Count one download against the link, atomically; False when none is left.

    One conditional UPDATE: two guests racing for the last download cannot both get it (the
    database serializes the row update; the loser's WHERE no longer matches). A link that
    reaches its limit is marked used up in the same transaction and kept with its log."""
    result = db.session.execute(
        sa.update(GuestLink)
        .where(
            GuestLink.id == link_id,
            GuestLink.revoked_at.is_(None),
            GuestLink.suspended_at.is_(None),
            GuestLink.used_up_at.is_(None),
            GuestLink.expires_at > now,
            sa.or_(GuestLink.max_downloads.is_(None), GuestLink.downloads < GuestLink.max_downloads),
        )
        .values(downloads=GuestLink.downloads + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return False
    db.session.execute(
        sa.update(GuestLink)
        .where(GuestLink.id == link_id, GuestLink.max_downloads.is_not(None),
               GuestLink.downloads >= GuestLink.max_downloads)
        .values(used_up_at=now)
        .execution_options(synchronize_session=False)
    )
    return True


def record_access(link: GuestLink, kind: str, client: ClientInfo,
                  file: StoredFile | None = None, now: datetime | None = None) -> GuestAccess:
    """Add one entry to the link's access log: `kind` (view, download, resume, zip,
    password_failed), the file, the address and the browser and system read from the user
    agent."""
    agent = parse_user_agent(client.user_agent or "")
    browser = f"{agent.browser.family} {agent.browser.version_string}".strip()
    system = f"{agent.os.family} {agent.os.version_string}".strip()
    access = GuestAccess(
        link_id=link.id, occurred_at=now or now_utc(), kind=kind,
        file_id=file.id if file else None, file_name=file.name if file else "",
        ip_address=client.ip_address[:45], user_agent=client.user_agent[:500],
        browser=browser[:100], os=system[:100],
    )
    db.session.add(access)
    return access


def notify_download(link: GuestLink, what: str, client: ClientInfo) -> None:
    """Mail the creator about a download when the link asks for it."""
    if not link.notify_on_download:
        return
    creator = db.session.get(User, link.created_by_id)
    if creator is None or not creator.active:
        return
    downloads = db.session.scalar(sa.select(GuestLink.downloads).where(GuestLink.id == link.id))
    queue_mail("guest_download", creator.email, "sharing_download",
               locale=creator.locale or "ja", organization_id=link.organization_id,
               link=link, downloads=downloads, subject=link.delivery.subject, what=what,
               at=now_utc(), address=client.ip_address,
               detail_url=external_url("sharing.link", link_id=link.id),
               private_fields=("subject",))  # registered data (§1(5)): sealed from staff
