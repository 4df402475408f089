"""The reminders the daily job mails to a contract's administrators (and the partner's copy):
the notice deadline of the next renewal (§5(5)), the end of an agent period without a renewal
application (§31(2)), and the last day of use (§14(5), §12(5)). A `LifecycleReminder` row per
contract, kind and date makes a second run mail nothing.
"""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from portal.contracts.models import LIVE_STATUSES, Contract
from portal.extensions import db
from portal.lifecycle.models import LifecycleReminder
from portal.lifecycle.services.common import mail_admins, suspended_organization_ids
from portal.lifecycle.services.contract_end import last_day
from portal.lifecycle.services.renewals import agent_period
from portal.rules import renewal
from portal.web import external_url

RENEWAL_REMINDER_DAYS = 14
"""Admins are reminded 14 days before the notice deadline of the next renewal (§5(5))."""
AGENT_REMINDER_DAYS = 30
"""Agent contracts: reminded 30 days before the period ends without an application (§31(2))."""
END_REMINDER_DAYS = (14, 1)
"""Before the last day of use, admins are told 14 days and 1 day ahead (§14(5))."""


def _remind(contract: Contract, kind: str, about: date, template: str, **ctx) -> bool:
    exists = db.session.scalar(sa.select(LifecycleReminder.id).where(
        LifecycleReminder.contract_id == contract.id, LifecycleReminder.kind == kind,
        LifecycleReminder.about == about))
    if exists:
        return False
    db.session.add(LifecycleReminder(contract_id=contract.id, kind=kind, about=about))
    db.session.flush()
    mail_admins(contract, f"reminder_{kind}", template, about=about, **ctx)
    return True


def send_reminders(day: date) -> int:
    """Mail the reminders due on `day`: renewal notice deadline −14 days (§5(5)), agent
    period end −30 days without an application (§31(2)), last day of use −14 and −1 days
    (§14(5), §12(5); with the link to the organization's file archive). One mail per
    contract, kind and date (LifecycleReminder); none to a suspended organization. Returns the
    number of reminders sent."""
    sent = 0
    live = db.session.scalars(sa.select(Contract).where(
        Contract.status.in_(LIVE_STATUSES),
        Contract.organization_id.not_in(suspended_organization_ids())).order_by(Contract.id)).all()
    for contract in live:
        known = last_day(contract, day)
        if known is not None:
            last, reason = known
            days_left = (last - day).days
            if reason == "agent_period_end" and days_left == AGENT_REMINDER_DAYS:
                sent += _remind(contract, "agent_renewal", last, "lifecycle_reminder_agent",
                                period=agent_period(contract, day))
            if days_left in END_REMINDER_DAYS:
                sent += _remind(contract, f"end_{days_left}", last, "lifecycle_reminder_end",
                                reason=reason, days_left=days_left,
                                archive_url=external_url("sharing.archive"))
            continue
        if contract.trial or contract.channel == "agent" or day < contract.start_date:
            continue
        upcoming = renewal.next_renewal(contract.terms(), day)
        deadline = upcoming.next_stoppable_deadline
        if (deadline - day).days == RENEWAL_REMINDER_DAYS:
            sent += _remind(contract, "renewal_deadline", deadline, "lifecycle_reminder_renewal",
                            renewal=upcoming)
    return sent
