"""terms15: the provider's non-renewal notice (§5(5))

Cancellation notices get a `reason` (the provider's reason shown to the customer) and the basis
"provider"; contract ends get the reason "provider_non_renewal". Downgrade removes both again
(rows with the new values must be gone first: the downgrade deletes nothing silently and
fails on them through the restored check constraints).

Revision ID: terms15_0001
Revises: org_address_0001
Create Date: 2026-12-01 11:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = "terms15_0001"
down_revision = "org_address_0001"
branch_labels = None
depends_on = None

OLD_BASIS = "basis IN ('chosen', 'minimum_term', 'terms_change')"
NEW_BASIS = "basis IN ('chosen', 'minimum_term', 'terms_change', 'provider')"
OLD_REASON = "reason IN ('cancellation', 'trial_end', 'agent_period_end')"
NEW_REASON = "reason IN ('cancellation', 'trial_end', 'agent_period_end', 'provider_non_renewal')"


def upgrade():
    with op.batch_alter_table("cancellation_notices", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reason", sa.Text(), server_default="", nullable=False))
        batch_op.drop_constraint(op.f("ck_cancellation_notices_basis"), type_="check")
        batch_op.create_check_constraint("basis", NEW_BASIS)
    with op.batch_alter_table("contract_ends", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_contract_ends_reason"), type_="check")
        batch_op.create_check_constraint("reason", NEW_REASON)


def downgrade():
    with op.batch_alter_table("contract_ends", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_contract_ends_reason"), type_="check")
        batch_op.create_check_constraint("reason", OLD_REASON)
    with op.batch_alter_table("cancellation_notices", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_cancellation_notices_basis"), type_="check")
        batch_op.create_check_constraint("basis", OLD_BASIS)
        batch_op.drop_column("reason")
