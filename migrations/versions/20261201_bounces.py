"""bounces: delivery status notifications read from the bounce Maildir (§10(2))

- mail_bounces: one permanent delivery failure reported by an RFC 3464 report, tied to its
  outbox mail by the signed return path (VERP) or Message-ID; a live notification address of
  the mail's organization with a bounce since it was added or last confirmed is flagged and
  left out of notices until confirmed again.

Downgrade drops the table (the reports stay in the Maildir's Processed folder).

Revision ID: bounces_0001
Revises: security_0001
Create Date: 2026-12-01 12:00:00
"""
from alembic import op
import sqlalchemy as sa

import portal.db


revision = "bounces_0001"
down_revision = "cases15_0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "mail_bounces",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=True),
        sa.Column("outbox_mail_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("final_recipient", sa.String(length=254), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("diagnostic", sa.String(length=500), nullable=False),
        sa.Column("matched_by", sa.String(length=20), nullable=False),
        sa.Column("mail_created_at", portal.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("reported_at", portal.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("report_hash", sa.String(length=64), nullable=False),
        sa.CheckConstraint("matched_by IN ('return_path', 'message_id')",
                           name=op.f("ck_mail_bounces_matched_by")),
        sa.ForeignKeyConstraint(["organization_id"], ["organizations.id"],
                                name=op.f("fk_mail_bounces_organization_id_organizations")),
        sa.ForeignKeyConstraint(["outbox_mail_id"], ["outbox_mails.id"],
                                name=op.f("fk_mail_bounces_outbox_mail_id_outbox_mails")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_bounces")),
        sa.UniqueConstraint("report_hash", name=op.f("uq_mail_bounces_report_hash")),
    )
    with op.batch_alter_table("mail_bounces", schema=None) as batch_op:
        batch_op.create_index("ix_mail_bounces_address", ["organization_id", "email"], unique=False)
        batch_op.create_index(batch_op.f("ix_mail_bounces_organization_id"), ["organization_id"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_mail_bounces_outbox_mail_id"), ["outbox_mail_id"],
                              unique=False)


def downgrade():
    with op.batch_alter_table("mail_bounces", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mail_bounces_outbox_mail_id"))
        batch_op.drop_index(batch_op.f("ix_mail_bounces_organization_id"))
        batch_op.drop_index("ix_mail_bounces_address")
    op.drop_table("mail_bounces")
