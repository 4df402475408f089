"""jobs: rate-limit counters in the database (portal.ratelimit), so limits hold across every
server process without Redis (RATELIMIT_STORAGE_URI=portal+db://, the default). Downgrade drops
the table (the counters are short-lived windows: nothing of value is lost).

Revision ID: jobs_0001
Revises: security_0001
Create Date: 2026-12-01 12:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = "jobs_0001"
down_revision = "files13_0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "rate_limit_counters",
        sa.Column("bucket", sa.String(length=255), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("bucket", name=op.f("pk_rate_limit_counters")),
    )
    with op.batch_alter_table("rate_limit_counters") as batch_op:
        batch_op.create_index(batch_op.f("ix_rate_limit_counters_expires_at"), ["expires_at"],
                              unique=False)


def downgrade():
    with op.batch_alter_table("rate_limit_counters") as batch_op:
        batch_op.drop_index(batch_op.f("ix_rate_limit_counters_expires_at"))
    op.drop_table("rate_limit_counters")
