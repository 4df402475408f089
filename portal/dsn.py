"""Delivery status notifications (RFC 3464) read with Python's `email` package: what came back
to a return path, and what it says per recipient. Stdlib only and no database: the notices
area ties a report to its outbox mail (`portal.mail.mail_for_return_path`) and flags the
address (`flask portal bounces`).

A report is a `multipart/report; report-type=delivery-status` message whose
`message/delivery-status` part holds one block of per-message fields and one block per
recipient (Final-Recipient, Original-Recipient, Action, Status, Diagnostic-Code). A failure is
*hard* when the Action is "failed" and the Status class is 5 (permanent, RFC 3463); "delayed"
and 4.x.x (transient) reports are read but flag nothing. Anything else raises `NotAReport`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import getaddresses

_STATUS = re.compile(r"\b([245])\.(\d{1,3})\.(\d{1,3})\b")
# Where a Maildir delivery leaves the address the report was sent to (the return path):
# Postfix/Dovecot add Delivered-To and X-Original-To, Exim Envelope-To; the report's own To:
# is the envelope sender of the original mail in Postfix, Exim and Exchange reports alike.
RECIPIENT_HEADERS = ("Delivered-To", "X-Original-To", "Envelope-To", "To")


class NotAReport(ValueError):
    """The message is not a delivery status notification this module can read."""


@dataclass(frozen=True)
class RecipientStatus:
    """One recipient block of a report."""

    final_recipient: str
    original_recipient: str
    action: str  # failed, delayed, delivered, relayed, expanded (lower case)
    status: str  # "5.1.1"; "" when the block has none
    diagnostic: str

    @property
    def hard(self) -> bool:
        """A permanent failure: Action failed with a 5.x.x status."""
        return self.action == "failed" and self.status.startswith("5.")


@dataclass(frozen=True)
class DeliveryReport:
    """A parsed report: the addresses it was delivered to (return path candidates, in the
    order of `RECIPIENT_HEADERS`), its recipient blocks and the Message-ID of the original
    mail when the report returned its headers."""

    delivered_to: tuple[str, ...]
    recipients: tuple[RecipientStatus, ...]
    original_message_id: str


def _address(value) -> str:
    """"rfc822; taro@example.co.jp" → "taro@example.co.jp" (lower case); other types as is."""
    text = str(value or "").strip()
    kind, sep, rest = text.partition(";")
    if sep and kind.strip().lower() == "rfc822":
        text = rest
    return text.strip().strip("<>").strip().lower()


def _status(value) -> str:
    match = _STATUS.search(str(value or ""))
    return ".".join(match.groups()) if match else ""


def _recipient(block) -> RecipientStatus | None:
    final = _address(block.get("Final-Recipient"))
    if not final:
        return None
    return RecipientStatus(
        final_recipient=final,
        original_recipient=_address(block.get("Original-Recipient")),
        action=str(block.get("Action") or "").strip().lower(),
        status=_status(block.get("Status")),
        diagnostic=" ".join(str(block.get("Diagnostic-Code") or "").split())[:500],
    )


def _original_message_id(report: EmailMessage) -> str:
    for part in report.walk():
        kind = part.get_content_type()
        if kind == "text/rfc822-headers":
            headers = message_from_bytes(part.get_content().encode("utf-8", "replace"),
                                         policy=policy.default)
            return str(headers.get("Message-ID") or "")
        if kind == "message/rfc822":
            payload = part.get_payload()
            inner = payload[0] if isinstance(payload, list) and payload else None
            if inner is not None:
                return str(inner.get("Message-ID") or "")
    return ""


def parse_report(raw: bytes) -> DeliveryReport:
    """Read a delivery status notification from its bytes (as stored in a Maildir).

    Errors: NotAReport when it is no multipart/report of type delivery-status, has no
    message/delivery-status part, or that part has no recipient block with a Final-Recipient.
    """
    message = message_from_bytes(raw, policy=policy.default)  # lenient: defects, no raise
    if message.get_content_type() != "multipart/report":
        raise NotAReport(f"not a multipart/report but {message.get_content_type()}")
    if (message.get_param("report-type") or "").lower() != "delivery-status":
        raise NotAReport("multipart/report without report-type=delivery-status")
    status_part = next((p for p in message.walk()
                        if p.get_content_type() == "message/delivery-status"), None)
    if status_part is None:
        raise NotAReport("no message/delivery-status part")
    blocks = status_part.get_payload()
    if not isinstance(blocks, list) or len(blocks) < 2:
        raise NotAReport("the delivery-status part has no recipient block")
    recipients = tuple(r for r in (_recipient(b) for b in blocks[1:]) if r is not None)
    if not recipients:
        raise NotAReport("no recipient block has a Final-Recipient")
    delivered_to = tuple(
        address.lower()
        for header in RECIPIENT_HEADERS
        for _name, address in getaddresses([str(v) for v in message.get_all(header) or []])
        if address
    )
    return DeliveryReport(delivered_to=delivered_to, recipients=recipients,
                          original_message_id=_original_message_id(message))
