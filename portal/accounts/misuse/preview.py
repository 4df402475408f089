"""What a misuse report (§7(4)) would do, shown before it is sent: which accounts are locked
and signed out, whether the reporter is among them, and who can unlock them afterwards.

The confirmation step of `/misuse-reports/new` shows this; it writes nothing. The same
refusals as `services.submit_report` (no_accounts, not_in_organization, already_reported)
come up here already, so the reporter sees them before confirming.
"""
from __future__ import annotations

from dataclasses import dataclass

from portal.accounts.directory import organization_admins
from portal.accounts.errors import AccountError
from portal.accounts.misuse.services import CLAUSE, open_report_of, reportable_users
from portal.accounts.models import User


@dataclass(frozen=True)
class ReportPreview:
    users: list[User]          # the accounts to be locked, by login ID
    reporter_included: bool    # the reporter is signed out at once
    unlockers: list[User]      # active, unlocked administrators not named in the report

    @property
    def no_admin_left(self) -> bool:
        """No administrator of the organization can unlock: only the provider's staff can."""
        return not self.unlockers


def preview_report(reporter: User, user_ids: list[int]) -> ReportPreview:
    """The effect of reporting `user_ids`. Errors (AccountError, §7(4)): no_accounts,
    not_in_organization, already_reported."""
    ids = set(user_ids)
    if not ids:
        raise AccountError("no_accounts", CLAUSE)
    allowed = {u.id: u for u in reportable_users(reporter)}
    if any(i not in allowed for i in ids):
        raise AccountError("not_in_organization", CLAUSE)
    users = sorted((allowed[i] for i in ids), key=lambda u: u.login_id)
    if any(open_report_of(u) is not None for u in users):
        raise AccountError("already_reported", CLAUSE)
    unlockers = [a for a in organization_admins(reporter.organization_id)
                 if a.id not in ids and not a.locked]
    return ReportPreview(users=users, reporter_included=reporter.id in ids, unlockers=unlockers)
