"""provider powers: the record of the provider's actions on an organization (suspension and
resumption, §9(2), §11(2), §15(1), §28(2)), the log of the §24(6) AI-training consent and the
§6(1) recommended browsers (seeded with the four the page listed until now, each "latest");
a contract the provider terminates (§15(1)) ends with the new reason 'termination'

Revision ID: powers_0001
Revises: billing_0001
Create Date: 2026-12-01 11:00:00
"""
from alembic import op
import sqlalchemy as sa

from portal.db import UTCDateTime


revision = "powers_0001"
down_revision = "billing_0001"
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
        sa.Column("ground", sa.String(length=1), nullable=True),
        sa.Column("by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('suspend', 'resume', 'terminate')", name=op.f("ck_provider_actions_kind")),
        sa.CheckConstraint("(kind = 'terminate') = (ground IS NOT NULL)", name=op.f("ck_provider_actions_ground")),
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


    # A contract the provider terminated (§15(1)) ends with the reason 'termination'.
    with op.batch_alter_table("contract_ends", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_contract_ends_reason"), type_="check")
        batch_op.create_check_constraint(
            "reason", "reason IN ('cancellation', 'trial_end', 'agent_period_end', "
            "'provider_non_renewal', 'termination')")

    browsers = op.create_table(
        "recommended_browsers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("family", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("min_version", sa.Integer(), nullable=True),
        sa.Column("systems", sa.String(length=200), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.CheckConstraint("family IN ('chrome', 'edge', 'firefox', 'safari', 'opera', 'samsung')",
                           name=op.f("ck_recommended_browsers_family")),
        sa.CheckConstraint("min_version IS NULL OR min_version > 0",
                           name=op.f("ck_recommended_browsers_min_version")),
        sa.CheckConstraint("name <> ''", name=op.f("ck_recommended_browsers_name")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recommended_browsers")),
        sa.UniqueConstraint("family", name=op.f("uq_recommended_browsers_family")),
    )
    op.bulk_insert(browsers, [
        {"family": "chrome", "name": "Google Chrome", "min_version": None, "systems": "Windows 11 / macOS", "sort_order": 1},
        {"family": "edge", "name": "Microsoft Edge", "min_version": None, "systems": "Windows 11 / macOS", "sort_order": 2},
        {"family": "firefox", "name": "Mozilla Firefox", "min_version": None, "systems": "Windows 11 / macOS", "sort_order": 3},
        {"family": "safari", "name": "Safari", "min_version": None, "systems": "macOS / iOS", "sort_order": 4},
    ])


def downgrade():
    op.drop_table("recommended_browsers")
    # Ends by termination are kept, recorded as 'cancellation' (the old schema has no other).
    op.execute("UPDATE contract_ends SET reason = 'cancellation' WHERE reason = 'termination'")
    with op.batch_alter_table("contract_ends", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_contract_ends_reason"), type_="check")
        batch_op.create_check_constraint(
            "reason", "reason IN ('cancellation', 'trial_end', 'agent_period_end', "
            "'provider_non_renewal')")
    with op.batch_alter_table("ai_training_consent_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ai_training_consent_changes_organization_id"))
    op.drop_table("ai_training_consent_changes")
    with op.batch_alter_table("provider_actions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_provider_actions_organization_id"))
    op.drop_table("provider_actions")
