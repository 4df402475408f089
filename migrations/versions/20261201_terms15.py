"""terms15: the provider's non-renewal notice (§5(5)), users' residence declaration (§31(5))

Cancellation notices get a `reason` (the provider's reason shown to the customer) and the basis
"provider"; contract ends get the reason "provider_non_renewal". Users get
`residence_declared_at`: filled, for users of an organization with a live IMAGE WORKS PRus
contract, with the account's creation time when the account was created after that contract
(the invitation page required the declaration then); the others declare at their next
sign-in. Downgrade removes all of it again (rows with the new values must be gone first: the
downgrade deletes nothing silently and fails on them through the restored check constraints).

Revision ID: terms15_0001
Revises: org_address_0001
Create Date: 2026-12-01 11:00:00
"""
from alembic import op
import sqlalchemy as sa

import portal.db


revision = "terms15_0001"
down_revision = "org_address_0001"
branch_labels = None
depends_on = None

OLD_BASIS = "basis IN ('chosen', 'minimum_term', 'terms_change')"
NEW_BASIS = "basis IN ('chosen', 'minimum_term', 'terms_change', 'provider')"
OLD_REASON = "reason IN ('cancellation', 'trial_end', 'agent_period_end')"
NEW_REASON = "reason IN ('cancellation', 'trial_end', 'agent_period_end', 'provider_non_renewal')"


users = sa.table("users", sa.column("id", sa.Integer), sa.column("organization_id", sa.Integer),
                 sa.column("created_at", sa.DateTime), sa.column("residence_declared_at", sa.DateTime))
contracts = sa.table("contracts", sa.column("organization_id", sa.Integer),
                     sa.column("service_id", sa.Integer), sa.column("status", sa.String),
                     sa.column("created_at", sa.DateTime))
services = sa.table("services", sa.column("id", sa.Integer), sa.column("code", sa.String))


def upgrade():
    with op.batch_alter_table("cancellation_notices", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reason", sa.Text(), server_default="", nullable=False))
        batch_op.drop_constraint(op.f("ck_cancellation_notices_basis"), type_="check")
        batch_op.create_check_constraint("basis", NEW_BASIS)
    with op.batch_alter_table("contract_ends", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_contract_ends_reason"), type_="check")
        batch_op.create_check_constraint("reason", NEW_REASON)
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("residence_declared_at", portal.db.UTCDateTime(timezone=True),
                                      nullable=True))
    prus_since = (
        sa.select(sa.func.min(contracts.c.created_at))
        .join(services, services.c.id == contracts.c.service_id)
        .where(services.c.code == "image_works_prus",
               contracts.c.status.in_(("trial", "active", "notice_given", "suspended")),
               contracts.c.organization_id == users.c.organization_id)
        .scalar_subquery()
    )
    op.get_bind().execute(
        users.update().where(users.c.organization_id.is_not(None), users.c.created_at >= prus_since)
        .values(residence_declared_at=users.c.created_at))


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("residence_declared_at")
    with op.batch_alter_table("contract_ends", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_contract_ends_reason"), type_="check")
        batch_op.create_check_constraint("reason", OLD_REASON)
    with op.batch_alter_table("cancellation_notices", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_cancellation_notices_basis"), type_="check")
        batch_op.create_check_constraint("basis", OLD_BASIS)
        batch_op.drop_column("reason")
