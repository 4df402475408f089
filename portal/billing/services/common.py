"""What the billing services share: the area's refusal (`BillingError`), the issuer as
configured, and the next invoice number."""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import current_app

from portal.billing import messages
from portal.billing.models import Invoice
from portal.domain import DomainError
from portal.extensions import db
from portal.rules.invoices import registration_number_valid


class BillingError(DomainError):
    """A billing action refused: code (see portal.billing.messages), clause, field."""

    describe = staticmethod(messages.error_message)


@dataclass(frozen=True)
class Issuer:
    """The issuer printed on every invoice (適格請求書発行事業者), from configuration."""

    name: str
    registration_number: str
    payee: str
    agent_name: str = ""


def issuer() -> Issuer:
    """The configured issuer. When a billing agent bills (§31(4)), the agent is the payee.
    Errors: BillingError("registration_number") when the configured number is invalid."""
    cfg = current_app.config
    number = cfg["BILLING_REGISTRATION_NUMBER"]
    if not registration_number_valid(number):
        raise BillingError("registration_number", "", number=number)
    agent = cfg.get("BILLING_AGENT_NAME", "")
    payee = cfg.get("BILLING_AGENT_PAYEE", "") if agent else cfg["BILLING_PAYEE"]
    return Issuer(name=cfg["BILLING_ISSUER_NAME"], registration_number=number, payee=payee,
                  agent_name=agent)


def next_seq() -> int:
    """The next invoice number (invoices and credit notes share one sequence; unique)."""
    return (db.session.scalar(sa.select(sa.func.max(Invoice.seq))) or 0) + 1


def month_window(day: date) -> tuple[date, date]:
    """The calendar month containing `day` as (first, last)."""
    return day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])


def due_date(issue_day: date) -> date:
    """The due date of an invoice issued on `issue_day`: the last day of the month
    BILLING_DUE_MONTHS after it (default 0: the issue month's last day)."""
    index = issue_day.year * 12 + issue_day.month - 1 + current_app.config["BILLING_DUE_MONTHS"]
    year, month = divmod(index, 12)
    return date(year, month + 1, calendar.monthrange(year, month + 1)[1])


def registration_number_checked(app) -> None:
    """Refuse to start with an invalid issuer registration number (a qualified invoice
    without a valid T-number is not one)."""
    number = app.config.get("BILLING_REGISTRATION_NUMBER", "")
    if not registration_number_valid(number):
        raise RuntimeError(f"PORTAL_BILLING_REGISTRATION_NUMBER {number!r} is not a valid "
                           "registration number (T + 13 digits with the check digit)")
