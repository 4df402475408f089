"""billing acceleration: §15(2) — after termination by the provider every debt is due at once

Revision ID: billing_accel_0001
Revises: powers_0001
Create Date: 2026-12-01 11:00:00
"""
from alembic import op
import sqlalchemy as sa

import portal.db

revision = "billing_accel_0001"
down_revision = "powers_0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "billing_accelerations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("accelerated_on", sa.Date(), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", portal.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["by_id"], ["users.id"], name=op.f("fk_billing_accelerations_by_id_users")),
        sa.ForeignKeyConstraint(["organization_id"], ["organizations.id"],
                                name=op.f("fk_billing_accelerations_organization_id_organizations")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_billing_accelerations")),
        sa.UniqueConstraint("organization_id", name=op.f("uq_billing_accelerations_organization_id")),
    )


def downgrade():
    op.drop_table("billing_accelerations")
