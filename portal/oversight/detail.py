"""The staff's read model of one organization: contracts with their partner, users by role,
quota use, the registered address and the notification addresses (§10), the latest invoices,
the AI-training consent and the provider's actions.

Each part is one query (or one per quota kind through the registered usage counters), so the
page's cost does not grow with the organization's data; files and deliveries are counted, never
shown (staff are file-blind, §24(2))."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from portal.accounts.models import Organization, User
from portal.billing import services as billing
from portal.clock import today_jst
from portal.contracts.models import LIVE_STATUSES, Contract, PartnerContact
from portal.contracts.quotas import KINDS, current_usage, format_quota, organization_limit, quota_label
from portal.extensions import db
from portal.notices import services as notices
from portal.oversight import services


@dataclass(frozen=True)
class QuotaUse:
    label: str
    used: str
    limit: str
    percent: int | None


@dataclass(frozen=True)
class OrganizationDetail:
    organization: Organization
    contracts: list[tuple[Contract, str]]  # (contract, partner contact address or "")
    users_by_role: dict[str, int]           # admin/user → active users; "inactive" → the rest
    quotas: list[QuotaUse]
    consented: bool
    suspension: object
    addresses: list[tuple[object, bool]]    # (notification address, bounced)
    invoices: object                        # the billing pager's page of the latest invoices
    statements: list                        # their statements (status, outstanding)


INVOICES_SHOWN = 10


def _addresses(organization_id: int) -> list[tuple[object, bool]]:
    bounced = {a.id for a in notices.bounced_addresses(organization_id)}
    return [(a, a.id in bounced) for a in notices.live_addresses(organization_id)]


def _quotas(organization_id: int) -> list[QuotaUse]:
    result = []
    for kind in KINDS:
        used = current_usage(organization_id, kind)
        limit, _plan = organization_limit(organization_id, kind)
        result.append(QuotaUse(quota_label(kind), format_quota(kind, used),
                               format_quota(kind, limit) if limit else "—",
                               min(100, used * 100 // limit) if limit else None))
    return result


def _users_by_role(organization_id: int) -> dict[str, int]:
    rows = db.session.execute(
        sa.select(User.role, User.active, sa.func.count(User.id))
        .where(User.organization_id == organization_id).group_by(User.role, User.active)).all()
    counts = {"admin": 0, "user": 0, "inactive": 0}
    for role, active, n in rows:
        counts[role if active else "inactive"] = counts.get(role if active else "inactive", 0) + n
    return counts


def _contracts(organization_id: int) -> list[tuple[Contract, str]]:
    rows = db.session.execute(
        sa.select(Contract, PartnerContact.email)
        .outerjoin(PartnerContact, PartnerContact.contract_id == Contract.id)
        .options(joinedload(Contract.service), joinedload(Contract.plan))
        .where(Contract.organization_id == organization_id)
        .order_by(Contract.status.in_(LIVE_STATUSES).desc(), Contract.id)).all()
    return [(contract, email or "") for contract, email in rows]


def organization_detail(organization: Organization) -> OrganizationDetail:
    invoices, statements = billing.invoice_page(organization.id, "all", 1, today_jst(),
                                                per_page=INVOICES_SHOWN)
    return OrganizationDetail(
        organization=organization,
        contracts=_contracts(organization.id),
        users_by_role=_users_by_role(organization.id),
        quotas=_quotas(organization.id),
        consented=services.ai_training_consent(organization.id),
        suspension=services.current_suspension(organization.id),
        addresses=_addresses(organization.id),
        invoices=invoices,
        statements=statements,
    )
