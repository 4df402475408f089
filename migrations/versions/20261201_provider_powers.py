"""provider powers: the record of the provider's actions on an organization (suspension and
resumption, §9(2), §11(2), §15(1), §28(2)) and the log of the §24(6) AI-training consent

Revision ID: powers_0001
Revises: org_address_0001
Create Date: 2026-12-01 11:00:00
"""
from alembic import op
import sqlalchemy as sa

from portal.db import UTCDateTime


revision = "powers_0001"
down_revision = "org_address_0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "provider_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("clause", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("notice_owed", sa.Boolean(), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('suspend', 'resume')", name=op.f("ck_provider_actions_kind")),
        sa.CheckConstraint("clause IN ('§9(2)', '§11(2)', '§15(1)', '§28(2)')",
                           name=op.f("ck_provider_actions_clause")),
        sa.CheckConstraint("reason <> ''", name=op.f("ck_provider_actions_reason")),
        sa.ForeignKeyConstraint(["by_id"], ["users.id"], name=op.f("fk_provider_actions_by_id_users")),
        sa.ForeignKeyConstraint(["organization_id"], ["organizations.id"],
                                name=op.f("fk_provider_actions_organization_id_organizations")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provider_actions")),
    )
    with op.batch_alter_table("provider_actions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_provider_actions_organization_id"), ["organization_id"], unique=False)

    op.create_table(
        "ai_training_consent_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("consented", sa.Boolean(), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["by_id"], ["users.id"], name=op.f("fk_ai_training_consent_changes_by_id_users")),
        sa.ForeignKeyConstraint(["organization_id"], ["organizations.id"],
                                name=op.f("fk_ai_training_consent_changes_organization_id_organizations")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ai_training_consent_changes")),
    )
    with op.batch_alter_table("ai_training_consent_changes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ai_training_consent_changes_organization_id"),
                              ["organization_id"], unique=False)


def downgrade():
    with op.batch_alter_table("ai_training_consent_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ai_training_consent_changes_organization_id"))
    op.drop_table("ai_training_consent_changes")
    with op.batch_alter_table("provider_actions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_provider_actions_organization_id"))
    op.drop_table("provider_actions")
