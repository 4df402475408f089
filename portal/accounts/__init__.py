"""Accounts: organizations, users, server-side sessions and sign-in, invitations, two-factor,
password reset, lockout, misuse reports and the organization's own data."""
from __future__ import annotations

from flask import Flask

from portal.accounts import account_views, directory, sessions, staff_views, views
from portal.accounts.blueprint import bp
from portal.contracts.quotas import register_usage_counter
from portal.contracts.services import register_residency_source


def register(app: Flask) -> None:
    """Sign-in and sessions (Flask-Login), the accounts pages and staff pages, the users
    quota counter (§9(1)) and the registered address for the §31(5) check."""
    sessions.init_app(app)
    app.register_blueprint(bp)
    register_usage_counter(app, "users", directory.count_users)
    register_residency_source(app, directory.organization_residency)
