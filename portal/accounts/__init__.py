"""Accounts: who may sign in, and as whom (SPEC §3.6; terms §7). One package per sub-area,
each with the house's file roles (`views.py`, `staff_views.py` when it has staff pages,
`forms.py`, `services.py` or topic modules):

- `signin/`: sign-in (password, then the two-factor code), sign-out, server-side sessions
  (`sessions.py`: Flask-Login), the growing delay (`lockout.py`), new-device alerts
  (`devices.py`), password reset (`resets.py`), the user's own sessions;
- `users/`: the organization's users (list, roles, deactivation, admin actions) and
  invitations (`invitations.py`: create, resend, cancel, accept);
- `two_factor/`: TOTP set-up and recovery codes, and the organization's "require two-factor";
- `misuse/`: misuse reports and containment (§7(4)), customer pages and the staff queue;
- `organization/`: the organization's details and change requests (§7(2)), and the staff's
  deletion of a trial organization's accounts (`trial.py`, §7(5));
- `profile/`: the user's own account page (name, email change, password change);
- `residence/`: the declaration of residence in Japan at the first sign-in after the
  organization got IMAGE WORKS PRus (§31(5)).

Shared at the top: `models` (every table), `blueprint` (the one "accounts" blueprint, so
endpoint names stay `accounts.<name>` whichever sub-area a page is in), `errors`
(`AccountError` and its texts), `audit` (`record_event`), `directory` (who is admin, staff,
how many users), `password_policy`, `forms` (shared form pieces) and `hooks` (what accounts
asks of the areas above it). Accounts imports only `portal.contracts` and the core.
"""
from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from portal.accounts import directory
from portal.accounts.blueprint import bp
from portal.accounts.misuse import digest
from portal.accounts.misuse import staff_views as misuse_staff_views  # noqa: F401 (routes)
from portal.accounts.misuse import views as misuse_views  # noqa: F401 (routes)
from portal.accounts.organization import staff_views as organization_staff_views  # noqa: F401 (routes)
from portal.accounts.organization import views as organization_views  # noqa: F401 (routes)
from portal.accounts.profile import views as profile_views  # noqa: F401 (routes)
from portal.accounts.residence import views as residence_views  # noqa: F401 (routes, gate)
from portal.accounts.signin import sessions
from portal.accounts.signin import views as signin_views  # noqa: F401 (routes)
from portal.accounts.two_factor import views as two_factor_views  # noqa: F401 (routes)
from portal.accounts.users import views as users_views  # noqa: F401 (routes)
from portal.accounts.misuse import services as misuse_services
from portal.accounts.organization import services as organization_services
from portal.console import register_queue
from portal.contracts.quotas import register_usage_counter
from portal.contracts.services import register_residency_source
from portal.daily import register_task


def register(app: Flask) -> None:
    """Sign-in and sessions (Flask-Login), the accounts pages (every sub-area's customer pages
    are on `bp`; their staff pages on the console's blueprint), the users quota counter (§9(1))
    and the registered address for the §31(5) check."""
    sessions.init_app(app)
    app.register_blueprint(bp)
    register_usage_counter(app, "users", directory.count_users)
    register_residency_source(app, directory.organization_residency)
    register_queue(app, "misuse_reports", _l("Misuse reports not yet resolved"),
                   misuse_services.open_reports_count, "staff.misuse_queue", clause="§7(4)")
    register_queue(app, "organization_requests", _l("Corporate name and representative changes to decide"),
                   organization_services.pending_requests_count, "staff.organization_requests",
                   clause="§7(2)")
    register_task(app, "misuse_report_digest", digest.daily_digest)  # catches up a waiting digest
