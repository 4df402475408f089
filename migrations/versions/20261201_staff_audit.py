"""staff audit: one row per state-changing request of a staff member (issue 13 item 10)

- staff_actions: who (staff user), when, what (the endpoint and the URL's IDs), the
  organization concerned (when there is one) and the reason given (required, non-empty).

Downgrade drops the table (and with it the staff audit).

Revision ID: staff13_0001
Revises: security_0001
Create Date: 2026-12-01 12:00:00
"""
from alembic import op
import sqlalchemy as sa

from portal.db import UTCDateTime


revision = "staff13_0001"
down_revision = "changes15_0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "staff_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("occurred_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("staff_user_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=80), nullable=False),
        sa.Column("target", sa.JSON(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("ip_address", sa.String(length=45), nullable=False),
        sa.CheckConstraint("reason <> ''", name=op.f("ck_staff_actions_reason_given")),
        sa.ForeignKeyConstraint(["organization_id"], ["organizations.id"],
                                name=op.f("fk_staff_actions_organization_id_organizations")),
        sa.ForeignKeyConstraint(["staff_user_id"], ["users.id"],
                                name=op.f("fk_staff_actions_staff_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_actions")),
    )
    with op.batch_alter_table("staff_actions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_staff_actions_action"), ["action"], unique=False)
        batch_op.create_index(batch_op.f("ix_staff_actions_occurred_at"), ["occurred_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_staff_actions_organization_id"), ["organization_id"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_staff_actions_staff_user_id"), ["staff_user_id"],
                              unique=False)


def downgrade():
    with op.batch_alter_table("staff_actions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_actions_staff_user_id"))
        batch_op.drop_index(batch_op.f("ix_staff_actions_organization_id"))
        batch_op.drop_index(batch_op.f("ix_staff_actions_occurred_at"))
        batch_op.drop_index(batch_op.f("ix_staff_actions_action"))
    op.drop_table("staff_actions")
