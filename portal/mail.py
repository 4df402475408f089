"""The outbox: mail is written to a table in the same transaction as the change that causes
it, and `flask portal mail` delivers it over SMTP with retries.

`queue_mail` renders a template in the recipient's language and adds one `OutboxMail` row;
nothing is sent until the transaction commits, so a rolled-back change sends nothing, and a
mail server that is down loses nothing: delivery is retried with a growing back-off until
`MAIL_MAX_ATTEMPTS`. A recipient the server rejects outright is marked `rejected` (no retry).
Without `MAIL_URL` mail stays in the outbox and staff can read it in the console.

Every mail leaves with its own return path (VERP, `return_path`): the envelope sender is
`<local>+<id>-<signature>@<domain>` of `MAIL_BOUNCE_ADDRESS` (default: the `MAIL_FROM`
address), where the signature is an HMAC of the outbox id and the recipient under
`SECRET_KEY`. A delivery status notification that comes back to that address names the outbox
mail it is about (`mail_for_return_path`), and nobody without the key can forge one for
another mail or address. The Message-ID carries the same signed id, so a report that lost the
return path can still be tied to its mail through the returned headers (`mail_for_message_id`).
The reports themselves are read by the notices area (`flask portal bounces`).

Secret-bearing mail (`secret_fields`: an invitation, reset or confirmation link) is kept
twice: `body` is rendered with every secret replaced by a placeholder (what staff see), and
`sealed_body` is the real text sealed with `portal.sealing` (a key from configuration). Only
delivery unseals it, every retry included; once the mail is sent, rejected or given up, the
sealed text is dropped, so the database holds no working link after delivery
(docs/security.md, "Secret links in the outbox").

Mail that quotes a customer's registered data (`private_fields`: a delivery's subject, a
sender's note, terms §1(5)) is kept the same way, subject line included (`sealed_subject`):
staff read the outbox, and staff never see registered data (§24(1)).
"""
from __future__ import annotations

import hashlib
import hmac
import re
import smtplib
import ssl
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, parseaddr
from urllib.parse import parse_qs, unquote, urlsplit

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import Mapped, mapped_column

from portal.clock import now_utc
from portal.extensions import db
from portal.sealing import SealError, seal, unseal

STATUSES = ("pending", "sent", "failed", "rejected")


class OutboxMail(db.Model):
    __tablename__ = "outbox_mails"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=now_utc, index=True)
    kind: Mapped[str] = mapped_column(sa.String(50), index=True)
    organization_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organizations.id"), index=True
    )
    to_address: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text)  # with the secrets of a secret mail redacted
    # Secret-bearing mail: the real body, sealed; NULL once delivered, rejected or given up.
    secret: Mapped[bool] = mapped_column(default=False)
    sealed_body: Mapped[str | None] = mapped_column(sa.Text)
    # The real subject line, when it quotes registered data (`private_fields`); same lifetime.
    sealed_subject: Mapped[str | None] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.String(10), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=now_utc)
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str] = mapped_column(sa.String(500), default="")

    __table_args__ = (
        sa.CheckConstraint("status IN ('pending', 'sent', 'failed', 'rejected')", name="status"),
        sa.Index("ix_outbox_mails_due", "status", "next_attempt_at"),
        # A sealed body exists only on a secret mail that is still waiting for delivery.
        sa.CheckConstraint("sealed_body IS NULL OR (secret AND status = 'pending')",
                           name="sealed_only_pending"),
        sa.CheckConstraint("sealed_subject IS NULL OR sealed_body IS NOT NULL",
                           name="sealed_subject"),
    )

    def delivery_body(self) -> str:
        """The text the recipient gets: the unsealed body of a secret mail, else `body`."""
        return unseal(self.sealed_body) if self.sealed_body else self.body

    def delivery_subject(self) -> str:
        """The subject line the recipient gets (unsealed when it quotes registered data)."""
        return unseal(self.sealed_subject) if self.sealed_subject else self.subject

    def drop_secret(self) -> None:
        self.sealed_body = None
        self.sealed_subject = None

    def __repr__(self) -> str:
        return f"<OutboxMail id={self.id} kind={self.kind!r} status={self.status!r}>"


def queue_mail(
    kind: str,
    to_address: str,
    template: str,
    *,
    locale: str | None = None,
    organization_id: int | None = None,
    secret_fields: tuple[str, ...] = (),
    private_fields: tuple[str, ...] = (),
    **context,
) -> OutboxMail:
    """Render `email/<template>.txt` in `locale` (default Japanese) and add it to the outbox.

    The template's first line is the subject; the rest is the body. The caller's transaction
    decides whether the mail exists at all. `secret_fields` names the context values that
    are secrets (a link with a token): the stored `body` shows a placeholder instead, and the
    real body is kept only sealed until delivery. `private_fields` names the values that are
    the customer's registered data (§1(5)): the stored subject and body show a placeholder,
    the real ones are sealed in the same way.
    """
    sealed = bool(secret_fields or private_fields)
    with force_locale(locale or "ja"):
        subject, body = _render(template, context)
        shown_subject, redacted = subject, body
        if sealed:
            hidden = {f: _("(link hidden: only the recipient receives it)") for f in secret_fields}
            hidden.update({f: _("(registered data: only the recipient sees it)")
                           for f in private_fields})
            shown_subject, redacted = _render(template, {**context, **hidden})
    mail = OutboxMail(
        kind=kind,
        to_address=to_address,
        subject=shown_subject,
        body=redacted,
        secret=sealed,
        sealed_body=seal(body) if sealed else None,
        sealed_subject=seal(subject) if sealed and subject != shown_subject else None,
        organization_id=organization_id,
    )
    db.session.add(mail)
    return mail


def _render(template: str, context: dict) -> tuple[str, str]:
    text = render_template(f"email/{template}.txt", **context)
    subject, _nl, body = text.lstrip().partition("\n")
    return subject.strip()[:300], body.strip() + "\n"


def backoff(attempts: int) -> timedelta:
    """Wait before the next try: 1, 2, 4, … minutes, at most 6 hours."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


# --- per-mail return paths (VERP) -------------------------------------------------------------

_TOKEN = re.compile(r"^(\d{1,18})-([0-9a-f]{20})$")
_MESSAGE_ID = re.compile(r"<portal\.(\d{1,18})\.([0-9a-f]{20})@[^>]+>")


def _signature(mail_id: int, to_address: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    text = f"return-path:{mail_id}:{to_address.strip().lower()}".encode()
    return hmac.new(key, text, hashlib.sha256).hexdigest()[:20]


def _bounce_mailbox() -> tuple[str, str, str]:
    """(local part, delimiter, domain) of the bounce mailbox from configuration."""
    cfg = current_app.config
    address = parseaddr(cfg.get("MAIL_BOUNCE_ADDRESS") or cfg["MAIL_FROM"])[1]
    local, _at, domain = address.rpartition("@")
    if not local or not domain:
        raise ValueError(f"MAIL_BOUNCE_ADDRESS / MAIL_FROM has no usable address: {address!r}")
    return local, cfg.get("MAIL_RECIPIENT_DELIMITER") or "+", domain


def return_path(mail: OutboxMail) -> str:
    """The envelope sender of `mail`: `bounces+<id>-<signature>@domain`."""
    local, delimiter, domain = _bounce_mailbox()
    return f"{local}{delimiter}{mail.id}-{_signature(mail.id, mail.to_address)}@{domain}"


def _verified(mail_id: str, signature: str) -> OutboxMail | None:
    mail = db.session.get(OutboxMail, int(mail_id))
    if mail is None or not hmac.compare_digest(_signature(mail.id, mail.to_address), signature):
        return None
    return mail


def mail_for_return_path(address: str) -> OutboxMail | None:
    """The outbox mail whose return path is `address`, or None when the address is not one of
    ours or its signature does not match (a forged or mistyped token). Case-insensitive."""
    local, delimiter, domain = _bounce_mailbox()
    address = parseaddr(address)[1].strip().lower()
    box, _at, host = address.rpartition("@")
    prefix = f"{local}{delimiter}".lower()
    if host != domain.lower() or not box.startswith(prefix):
        return None
    match = _TOKEN.match(box[len(prefix):])
    return _verified(*match.groups()) if match else None


def message_id(mail: OutboxMail) -> str:
    """The Message-ID of `mail`, the same on every retry, carrying its signed id."""
    domain = _bounce_mailbox()[2]
    return f"<portal.{mail.id}.{_signature(mail.id, mail.to_address)}@{domain}>"


def mail_for_message_id(value: str) -> OutboxMail | None:
    """The outbox mail whose Message-ID is `value` (as `message_id` made it), or None."""
    match = _MESSAGE_ID.search(value or "")
    return _verified(*match.groups()) if match else None


def build_message(mail: OutboxMail, sender: str) -> EmailMessage:
    """A MIME message; non-ASCII subjects are RFC 2047 encoded, bodies UTF-8."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = mail.to_address
    msg["Subject"] = mail.delivery_subject()
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = message_id(mail)
    msg.set_content(mail.delivery_body(), charset="utf-8")
    return msg


class SMTPSettings:
    """Parsed MAIL_URL: smtp://[user:password@]host[:port][?starttls=1] or smtps://…"""

    def __init__(self, url: str):
        parts = urlsplit(url)
        if parts.scheme not in {"smtp", "smtps"}:
            raise ValueError(f"MAIL_URL must start with smtp:// or smtps://, not {parts.scheme}")
        self.ssl = parts.scheme == "smtps"
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or (465 if self.ssl else 25)
        self.username = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        query = parse_qs(parts.query)
        self.starttls = query.get("starttls", ["0"])[0] in {"1", "true", "yes"}

    def connect(self, timeout: int) -> smtplib.SMTP:
        if self.ssl:
            conn: smtplib.SMTP = smtplib.SMTP_SSL(
                self.host, self.port, timeout=timeout, context=ssl.create_default_context()
            )
        else:
            conn = smtplib.SMTP(self.host, self.port, timeout=timeout)
            if self.starttls:
                conn.starttls(context=ssl.create_default_context())
        if self.username:
            conn.login(self.username, self.password or "")
        return conn


def deliver_pending(limit: int = 500) -> dict[str, int]:
    """Send due outbox mail; commit after each message. Returns counts per outcome.

    Connection problems leave every due mail pending with a later `next_attempt_at`; a
    recipient refused by the server is marked `rejected`; after MAIL_MAX_ATTEMPTS tries a
    mail is `failed`. Without MAIL_URL nothing is sent.
    """
    cfg = current_app.config
    counts = {"sent": 0, "retry": 0, "failed": 0, "rejected": 0}
    if not cfg.get("MAIL_URL"):
        return counts
    settings = SMTPSettings(cfg["MAIL_URL"])
    due = db.session.scalars(
        sa.select(OutboxMail)
        .where(OutboxMail.status == "pending", OutboxMail.next_attempt_at <= now_utc())
        .order_by(OutboxMail.id)
        .limit(limit)
    ).all()
    if not due:
        return counts
    try:
        conn = settings.connect(cfg["MAIL_TIMEOUT_SECONDS"])
    except (OSError, smtplib.SMTPException) as exc:
        for mail in due:
            _retry_later(mail, f"connect: {exc}", counts)
        db.session.commit()
        return counts
    try:
        for mail in due:
            try:
                conn.send_message(build_message(mail, cfg["MAIL_FROM"]),
                                  from_addr=return_path(mail))
            except SealError as exc:
                # No configured key opens it (rotated away too early): it can never be sent.
                mail.attempts += 1
                mail.status = "failed"
                mail.drop_secret()
                mail.last_error = str(exc)[:500]
                counts["failed"] += 1
            except smtplib.SMTPRecipientsRefused as exc:
                mail.attempts += 1
                mail.status = "rejected"
                mail.drop_secret()
                mail.last_error = str(exc)[:500]
                counts["rejected"] += 1
            except (OSError, smtplib.SMTPException) as exc:
                _retry_later(mail, str(exc), counts)
            else:
                mail.attempts += 1
                mail.status = "sent"
                mail.drop_secret()
                mail.sent_at = now_utc()
                mail.last_error = ""
                counts["sent"] += 1
            db.session.commit()
    finally:
        try:
            conn.quit()
        except (OSError, smtplib.SMTPException):
            pass
    return counts


def _retry_later(mail: OutboxMail, error: str, counts: dict[str, int]) -> None:
    mail.attempts += 1
    mail.last_error = error[:500]
    if mail.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
        mail.status = "failed"
        mail.drop_secret()  # never retried again: the secret goes (a new link must be sent)
        counts["failed"] += 1
    else:
        mail.next_attempt_at = now_utc() + backoff(mail.attempts)
        counts["retry"] += 1
