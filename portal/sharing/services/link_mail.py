"""Mailing a guest link to the guest: the address only, never its password.

The sender gives the guest's address on the page that shows a new link (the only time the
link's token is known: the database keeps its hash). The mail says who sent which delivery
and until when the link works; when the link has a password, the mail says that the sender
tells it another way (telephone, chat) — a password in a second mail is the "PPAP" habit
(ZIP file, then its password by mail) that Japanese companies are dropping, because whoever
reads the first mail reads the second.
"""
from __future__ import annotations

import hmac

from portal.accounts.audit import record_event
from portal.accounts.models import User
from portal.clock import now_utc
from portal.domain import ClientInfo
from portal.mail import queue_mail
from portal.sharing.models import GuestLink
from portal.sharing.services.common import SharingError
from portal.tokens import token_hash
from portal.web import external_url


def mail_link_to_guest(link: GuestLink, token: str, to_address: str, *, by: User,
                       client: ClientInfo, note: str = "") -> None:
    """Queue the guest-link mail to `to_address`. `token` must be this link's (shown once on
    the creation page). Errors (SharingError): link_token (not this link's token),
    link_inactive (revoked, expired or used up)."""
    if not hmac.compare_digest(token_hash(token or ""), link.token_hash):
        raise SharingError("link_token")
    if link.status(now_utc()) != "active":
        raise SharingError("link_inactive")
    queue_mail("guest_link", to_address, "guest_link", organization_id=link.organization_id,
               url=external_url("guest.guest_page", token=token), link=link,
               subject=link.delivery.subject, sender=by.name or by.login_id,
               organization=by.organization.name if by.organization else "", note=note.strip(),
               # Staff read the outbox: the live URL would open the files (§24(2)), the subject
               # and the note are registered data (§1(5)).
               secret_fields=("url",), private_fields=("subject", "note"))
    record_event("guest_link_mailed", client, user=by, link_id=link.id)
