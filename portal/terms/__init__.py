"""Terms of use versions and their acceptances (SPEC §3.9; terms §2(1), §4(1), §17).

The text of every version is kept in the database and shown at /terms (the version in effect
today, in Japan), /terms/<version> and side by side at /terms/diff (`views`); staff publish a
new version with its terms-change notice at /staff/terms/new (`staff_views`, through the
notices area's services, §17(1)). An acceptance records which version was accepted, when,
by whom (a user, or an application before any account exists) and how ("explicit" on a form,
"deemed" on first use after a change, §17(3)).
"""
from __future__ import annotations

from flask import Flask, request
from flask_login import current_user, user_logged_in

from portal.accounts import hooks as account_hooks
from portal.clock import today_jst
from portal.terms import consent, services, staff_views, views  # noqa: F401


def register(app: Flask) -> None:
    """The public terms pages, the staff page (on the console's blueprint, by importing
    `staff_views`) and the §17(3) deemed-consent check (at sign-in and on the first request of
    each day in Japan)."""
    app.register_blueprint(views.bp)
    app.before_request(_deemed_consent_check)
    user_logged_in.connect(_on_sign_in)
    account_hooks.provide_terms_in_force(app, services.current_version)
    account_hooks.on_user_joined(app, _record_acceptance_on_joining)


def _record_acceptance_on_joining(user, client) -> None:
    """A user accepted the terms in force on the invitation page (§2(1), explicit)."""
    version = services.current_version(today_jst())
    if version is not None:
        services.record_acceptance(version, user=user, kind="explicit", client=client)


def _deemed_consent_check() -> None:
    """§17(3): first use after a terms change records deemed consent (once a day at most)."""
    if request.endpoint != "static" and current_user.is_authenticated:
        consent.check(current_user._get_current_object())


def _on_sign_in(sender, user, **extra) -> None:
    consent.check(user)
