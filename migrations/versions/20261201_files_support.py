"""files13: the provider's §24(2)② measures on files, support access (§24(1)③⑤), sealed
subjects in the outbox

- stored_files: `quarantined_at`, `deleted_at` (deletion only out of a quarantine: a CHECK).
- file_quarantines: one quarantine of one file (ground, reason, who, its end: released or
  deleted); one open quarantine per file (partial unique index).
- provider_actions: the kinds quarantine / release / delete_file, the clause §24(2), and the
  file, quarantine and ground of a file action (one action per quarantine and kind).
- support_grants, support_views: an admin's time-limited consent and every staff view
  under it.
- outbox_mails: `sealed_subject` (a subject line quoting registered data is kept sealed, as
  the body of a secret mail).

Downgrade drops what was added and restores the old checks (file actions are deleted first:
the old checks do not allow them).

Revision ID: files13_0001
Revises: security_0001
Create Date: 2026-12-01 12:30:00
"""
from alembic import op
import sqlalchemy as sa

import portal.db

revision = "files13_0001"
down_revision = "staff13_0001"
branch_labels = None
depends_on = None

UTC = portal.db.UTCDateTime(timezone=True)
OLD_KIND = "kind IN ('suspend', 'resume', 'terminate')"
NEW_KIND = "kind IN ('suspend', 'resume', 'terminate', 'quarantine', 'release', 'delete_file')"
OLD_CLAUSE = "clause IN ('§9(2)', '§11(2)', '§15(1)', '§28(2)')"
NEW_CLAUSE = "clause IN ('§9(2)', '§11(2)', '§15(1)', '§24(2)', '§28(2)')"
FILE_ACTION = ("(kind IN ('quarantine', 'release', 'delete_file')) = (quarantine_id IS NOT NULL "
               "AND file_id IS NOT NULL AND file_ground IS NOT NULL)")


def upgrade():
    with op.batch_alter_table("stored_files", schema=None) as batch_op:
        batch_op.add_column(sa.Column("quarantined_at", UTC, nullable=True))
        batch_op.add_column(sa.Column("deleted_at", UTC, nullable=True))
        batch_op.create_check_constraint("deleted_from_quarantine",
                                         "deleted_at IS NULL OR quarantined_at IS NOT NULL")

    op.create_table(
        "file_quarantines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("file_id", sa.Integer(), nullable=False),
        sa.Column("ground", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("started_at", UTC, nullable=False),
        sa.Column("started_by_id", sa.Integer(), nullable=False),
        sa.Column("ended_at", UTC, nullable=True),
        sa.Column("ended_by_id", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(length=10), nullable=True),
        sa.Column("end_reason", sa.Text(), nullable=True),
        sa.CheckConstraint("ground IN ('malware', 'damaged', 'load', 'operation')",
                           name=op.f("ck_file_quarantines_ground")),
        sa.CheckConstraint("reason <> ''", name=op.f("ck_file_quarantines_reason")),
        sa.CheckConstraint("(ended_at IS NULL) = (outcome IS NULL)", name=op.f("ck_file_quarantines_ended")),
        sa.CheckConstraint("outcome IS NULL OR outcome IN ('released', 'deleted')",
                           name=op.f("ck_file_quarantines_outcome")),
        sa.ForeignKeyConstraint(["ended_by_id"], ["users.id"], name=op.f("fk_file_quarantines_ended_by_id_users")),
        sa.ForeignKeyConstraint(["file_id"], ["stored_files.id"], name=op.f("fk_file_quarantines_file_id_stored_files")),
        sa.ForeignKeyConstraint(["organization_id"], ["organizations.id"],
                                name=op.f("fk_file_quarantines_organization_id_organizations")),
        sa.ForeignKeyConstraint(["started_by_id"], ["users.id"], name=op.f("fk_file_quarantines_started_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_file_quarantines")),
    )
    with op.batch_alter_table("file_quarantines", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_file_quarantines_file_id"), ["file_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_file_quarantines_organization_id"), ["organization_id"], unique=False)
        batch_op.create_index("uq_file_quarantines_open", ["file_id"], unique=True,
                              sqlite_where=sa.text("ended_at IS NULL"),
                              postgresql_where=sa.text("ended_at IS NULL"))

    with op.batch_alter_table("provider_actions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("file_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("quarantine_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("file_ground", sa.String(length=20), nullable=True))
        batch_op.drop_constraint(op.f("ck_provider_actions_kind"), type_="check")
        batch_op.drop_constraint(op.f("ck_provider_actions_clause"), type_="check")
        batch_op.create_check_constraint("kind", NEW_KIND)
        batch_op.create_check_constraint("clause", NEW_CLAUSE)
        batch_op.create_check_constraint("file_action", FILE_ACTION)
        batch_op.create_unique_constraint("uq_provider_actions_quarantine_kind", ["quarantine_id", "kind"])
        batch_op.create_index("ix_provider_actions_file_id", ["file_id"], unique=False)

    op.create_table(
        "support_grants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("case_reference", sa.String(length=100), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("granted_by_id", sa.Integer(), nullable=False),
        sa.Column("granted_at", UTC, nullable=False),
        sa.Column("expires_at", UTC, nullable=False),
        sa.Column("revoked_at", UTC, nullable=True),
        sa.Column("revoked_by_id", sa.Integer(), nullable=True),
        sa.Column("form_token", sa.String(length=64), nullable=True),
        sa.CheckConstraint("expires_at > granted_at", name=op.f("ck_support_grants_expiry")),
        sa.CheckConstraint("case_reference <> ''", name=op.f("ck_support_grants_case_reference")),
        sa.CheckConstraint("(revoked_at IS NULL) = (revoked_by_id IS NULL)", name=op.f("ck_support_grants_revoked")),
        sa.ForeignKeyConstraint(["granted_by_id"], ["users.id"], name=op.f("fk_support_grants_granted_by_id_users")),
        sa.ForeignKeyConstraint(["organization_id"], ["organizations.id"],
                                name=op.f("fk_support_grants_organization_id_organizations")),
        sa.ForeignKeyConstraint(["revoked_by_id"], ["users.id"], name=op.f("fk_support_grants_revoked_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_support_grants")),
        sa.UniqueConstraint("form_token", name=op.f("uq_support_grants_form_token")),
    )
    with op.batch_alter_table("support_grants", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_support_grants_organization_id"), ["organization_id"], unique=False)

    op.create_table(
        "support_views",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("grant_id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("viewed_at", UTC, nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("delivery_id", sa.Integer(), nullable=True),
        sa.Column("file_id", sa.Integer(), nullable=True),
        sa.Column("ip_address", sa.String(length=45), nullable=False),
        sa.CheckConstraint("kind IN ('deliveries', 'delivery', 'file')", name=op.f("ck_support_views_kind")),
        sa.CheckConstraint("(kind = 'file') = (file_id IS NOT NULL)", name=op.f("ck_support_views_file")),
        sa.ForeignKeyConstraint(["grant_id"], ["support_grants.id"], name=op.f("fk_support_views_grant_id_support_grants")),
        sa.ForeignKeyConstraint(["organization_id"], ["organizations.id"],
                                name=op.f("fk_support_views_organization_id_organizations")),
        sa.ForeignKeyConstraint(["staff_id"], ["users.id"], name=op.f("fk_support_views_staff_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_support_views")),
    )
    with op.batch_alter_table("support_views", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_support_views_grant_id"), ["grant_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_support_views_organization_id"), ["organization_id"], unique=False)

    with op.batch_alter_table("outbox_mails", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sealed_subject", sa.Text(), nullable=True))
        batch_op.create_check_constraint("sealed_subject", "sealed_subject IS NULL OR sealed_body IS NOT NULL")


def downgrade():
    with op.batch_alter_table("outbox_mails", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_outbox_mails_sealed_subject"), type_="check")
        batch_op.drop_column("sealed_subject")

    with op.batch_alter_table("support_views", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_support_views_organization_id"))
        batch_op.drop_index(batch_op.f("ix_support_views_grant_id"))
    op.drop_table("support_views")
    with op.batch_alter_table("support_grants", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_support_grants_organization_id"))
    op.drop_table("support_grants")

    op.execute("DELETE FROM provider_actions WHERE kind IN ('quarantine', 'release', 'delete_file')")
    with op.batch_alter_table("provider_actions", schema=None) as batch_op:
        batch_op.drop_index("ix_provider_actions_file_id")
        batch_op.drop_constraint("uq_provider_actions_quarantine_kind", type_="unique")
        batch_op.drop_constraint(op.f("ck_provider_actions_file_action"), type_="check")
        batch_op.drop_constraint(op.f("ck_provider_actions_clause"), type_="check")
        batch_op.drop_constraint(op.f("ck_provider_actions_kind"), type_="check")
        batch_op.create_check_constraint("kind", OLD_KIND)
        batch_op.create_check_constraint("clause", OLD_CLAUSE)
        batch_op.drop_column("file_ground")
        batch_op.drop_column("quarantine_id")
        batch_op.drop_column("file_id")

    with op.batch_alter_table("file_quarantines", schema=None) as batch_op:
        batch_op.drop_index("uq_file_quarantines_open", sqlite_where=sa.text("ended_at IS NULL"),
                            postgresql_where=sa.text("ended_at IS NULL"))
        batch_op.drop_index(batch_op.f("ix_file_quarantines_organization_id"))
        batch_op.drop_index(batch_op.f("ix_file_quarantines_file_id"))
    op.drop_table("file_quarantines")

    with op.batch_alter_table("stored_files", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_stored_files_deleted_from_quarantine"), type_="check")
        batch_op.drop_column("deleted_at")
        batch_op.drop_column("quarantined_at")
