"""Deemed consent to changed terms (§17(3)): the first use of an account on or after a new
version's effective date records a "deemed" acceptance, and a banner explains it once.

The check runs when a customer user signs in and, for sessions that span midnight in Japan,
on the first request of each new day; the day last checked is kept in the session, so an
ordinary request runs no query for this. Only a *change* counts: the first version ever
published is accepted explicitly (on the application or invitation), never deemed.
"""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import flash, session
from flask_babel import gettext as _

from portal.accounts.models import User
from portal.clock import today_jst
from portal.extensions import db
from portal.i18n import clause, jdate
from portal.terms.models import TermsAcceptance, TermsVersion
from portal.terms.services import current_version, record_acceptance
from portal.web import client_info

SESSION_KEY = "terms_checked_on"


def deemed_consent_due(user: User, today: date) -> TermsVersion | None:
    """The version in effect `today` that `user` has not accepted and that changed earlier
    terms, or None. Clause: §17(3)."""
    version = current_version(today)
    if version is None:
        return None
    accepted = db.session.scalar(sa.select(TermsAcceptance.id).where(
        TermsAcceptance.user_id == user.id, TermsAcceptance.terms_version_id == version.id))
    if accepted:
        return None
    earlier = db.session.scalar(sa.select(TermsVersion.id).where(
        TermsVersion.effective_date < version.effective_date).limit(1))
    return version if earlier else None


def record_deemed_consent(user: User, today: date, client=None) -> TermsVersion | None:
    """Record the deemed acceptance of the version in effect, if due; returns that version."""
    version = deemed_consent_due(user, today)
    if version is not None:
        record_acceptance(version, user=user, kind="deemed", client=client)
    return version


def check(user: User) -> None:
    """Run the check for a signed-in customer user at most once per day and session; commit
    the record (bookkeeping of its own, like the session's last-seen time) and flash the
    one-time explanation."""
    if user is None or not user.is_authenticated or user.is_staff:
        return
    today = today_jst()
    if session.get(SESSION_KEY) == today.isoformat():
        return
    version = record_deemed_consent(user, today, client_info())
    session[SESSION_KEY] = today.isoformat()
    if version is not None:
        db.session.commit()
        flash(_("The terms of use were revised (version %(version)s, in effect since %(date)s). "
                "Because you used the service on or after that date, you are deemed to have "
                "agreed to the revised terms (%(clause)s). You can read them and the changes "
                "under \"Terms of use\".", version=version.version,
                date=jdate(version.effective_date), clause=clause("§17(3)")), "info")
