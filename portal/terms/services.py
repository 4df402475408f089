"""Terms versions: which one is in effect, and recording that someone accepted one."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from portal.extensions import db
from portal.terms.models import TermsAcceptance, TermsVersion


def current_version(today: date) -> TermsVersion | None:
    """The version in effect on `today` (a day in Japan): the latest effective_date <= today.

    Result: None when no version is in effect yet. Clause: §17 (a change applies from its
    effective date).
    """
    return db.session.scalar(
        sa.select(TermsVersion)
        .where(TermsVersion.effective_date <= today)
        .order_by(TermsVersion.effective_date.desc(), TermsVersion.id.desc())
        .limit(1)
    )


def get_version(label: str) -> TermsVersion | None:
    return db.session.scalar(sa.select(TermsVersion).where(TermsVersion.version == label))


def all_versions() -> list[TermsVersion]:
    """Every version, newest effective date first."""
    return list(
        db.session.scalars(
            sa.select(TermsVersion).order_by(TermsVersion.effective_date.desc(), TermsVersion.id.desc())
        ).all()
    )


def record_acceptance(version: TermsVersion, *, user=None, application=None,
                      kind: str = "explicit", client=None) -> TermsAcceptance:
    """Record that `user` (or, before any account exists, `application`) accepted `version`.

    kind: "explicit" (ticked on a form, §4(1)) or "deemed" (first use after a change, §17(3));
    client: a `ClientInfo` (IP address and user agent) or None. Adds and flushes.
    Errors: ValueError when neither a user nor an application is given, or kind is unknown.
    """
    if user is None and application is None:
        raise ValueError("an acceptance needs a user or an application")
    if kind not in ("explicit", "deemed"):
        raise ValueError(f"unknown acceptance kind {kind!r}")
    acceptance = TermsAcceptance(
        terms_version=version,
        terms_version_id=version.id,
        user_id=user.id if user is not None else None,
        application_id=application.id if application is not None else None,
        kind=kind,
        ip_address=(getattr(client, "ip_address", "") or "")[:45],
        user_agent=(getattr(client, "user_agent", "") or "")[:500],
    )
    db.session.add(acceptance)
    db.session.flush()
    return acceptance


def versions_to_compare(versions: list[TermsVersion], old_label: str | None,
                        new_label: str | None) -> tuple[TermsVersion | None, TermsVersion | None]:
    """The (earlier, later) pair the comparison page shows, from `versions` (newest effective
    date first, at least two) and the labels asked for.

    Without a later label: the newest version. Without an earlier label: the newest version
    in effect before the later one (or, when there is none, the second newest). Result:
    (None, None) when a label asked for is unknown (the page answers 404).
    """
    by_label = {v.version: v for v in versions}
    new = by_label.get(versions[0].version if new_label is None else new_label)
    if new is None:
        return None, None
    older = [v for v in versions if v.effective_date < new.effective_date]
    default_old = older[0].version if older else versions[1].version
    old = by_label.get(default_old if old_label is None else old_label)
    return (old, new) if old is not None else (None, None)
