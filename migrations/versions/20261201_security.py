"""security: sealed secret mail, trusted devices, guest download grants, link guess budget

- outbox_mails: `secret` and `sealed_body` (secret-bearing mail is stored redacted; the real
  body only sealed with PORTAL_MAIL_KEY until delivery). Existing rows of the secret kinds
  (invitation, password_reset, notification_address_confirm, email_change) are cleaned: every
  URL in their body is replaced by a placeholder and they are marked secret; those still
  pending are marked failed (their working link cannot be recovered from a redacted body —
  the admin sends a new invitation, the user asks for a new reset link).
- trusted_devices: OWASP device cookies of browsers that signed in successfully.
- guest_downloads: one counted download of one file by one guest browser (what a resume may
  continue).
- guest_links: the per-link password guess budget (window start, guesses in the window).
- misuse_reports: when staff got a public report in a digest mail.

Downgrade drops what was added; the cleaned mail bodies stay redacted (the secrets are gone
on purpose).

Revision ID: security_0001
Revises: billing_accel_0001
Create Date: 2026-12-01 11:00:00
"""
import re

from alembic import op
import sqlalchemy as sa

import portal.db


revision = "security_0001"
down_revision = "billing_accel_0001"
branch_labels = None
depends_on = None

SECRET_KINDS = ("invitation", "password_reset", "notification_address_confirm", "email_change")
PLACEHOLDER = "(リンクは削除されました / link removed)"
URL = re.compile(r"https?://\S+")

outbox = sa.table(
    "outbox_mails",
    sa.column("id", sa.Integer), sa.column("kind", sa.String), sa.column("body", sa.Text),
    sa.column("status", sa.String), sa.column("secret", sa.Boolean),
    sa.column("last_error", sa.String),
)


def upgrade():
    with op.batch_alter_table("outbox_mails", schema=None) as batch_op:
        batch_op.add_column(sa.Column("secret", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column("sealed_body", sa.Text(), nullable=True))
        batch_op.create_check_constraint(
            "sealed_only_pending", "sealed_body IS NULL OR (secret AND status = 'pending')")

    conn = op.get_bind()
    rows = conn.execute(sa.select(outbox.c.id, outbox.c.body, outbox.c.status)
                        .where(outbox.c.kind.in_(SECRET_KINDS))).all()
    for row in rows:
        values = {"body": URL.sub(PLACEHOLDER, row.body or ""), "secret": True}
        if row.status == "pending":
            values.update(status="failed",
                          last_error="secret link removed at rest (security_0001): send a new one")
        conn.execute(sa.update(outbox).where(outbox.c.id == row.id).values(**values))

    op.create_table(
        "trusted_devices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", portal.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", portal.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("failures", sa.Integer(), server_default="0", nullable=False),
        sa.CheckConstraint("failures >= 0", name=op.f("ck_trusted_devices_failures")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_trusted_devices_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trusted_devices")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_trusted_devices_token_hash")),
    )
    with op.batch_alter_table("trusted_devices", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_trusted_devices_user_id"), ["user_id"], unique=False)

    op.create_table(
        "guest_downloads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("link_id", sa.Integer(), nullable=False),
        sa.Column("file_id", sa.Integer(), nullable=False),
        sa.Column("browser_hash", sa.String(length=64), nullable=False),
        sa.Column("started_at", portal.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("bytes_sent", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("closed_at", portal.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("resume_bytes", sa.BigInteger(), server_default="0", nullable=False),
        sa.CheckConstraint("bytes_sent >= 0 AND bytes_sent <= size", name=op.f("ck_guest_downloads_bytes_sent")),
        sa.CheckConstraint("resume_bytes >= 0 AND resume_bytes <= size", name=op.f("ck_guest_downloads_resume_bytes")),
        sa.ForeignKeyConstraint(["file_id"], ["stored_files.id"], name=op.f("fk_guest_downloads_file_id_stored_files")),
        sa.ForeignKeyConstraint(["link_id"], ["guest_links.id"], name=op.f("fk_guest_downloads_link_id_guest_links")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guest_downloads")),
    )
    with op.batch_alter_table("guest_downloads", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_guest_downloads_link_id"), ["link_id"], unique=False)
        batch_op.create_index("ix_guest_downloads_resume", ["link_id", "file_id", "browser_hash"], unique=False)

    with op.batch_alter_table("guest_links", schema=None) as batch_op:
        batch_op.add_column(sa.Column("guess_window_started_at", portal.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("guesses_in_window", sa.Integer(), server_default="0", nullable=False))
        batch_op.create_check_constraint("guesses", "guesses_in_window >= 0")

    with op.batch_alter_table("misuse_reports", schema=None) as batch_op:
        batch_op.add_column(sa.Column("staff_notified_at", portal.db.UTCDateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("misuse_reports", schema=None) as batch_op:
        batch_op.drop_column("staff_notified_at")

    with op.batch_alter_table("guest_links", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_guest_links_guesses"), type_="check")
        batch_op.drop_column("guesses_in_window")
        batch_op.drop_column("guess_window_started_at")

    with op.batch_alter_table("guest_downloads", schema=None) as batch_op:
        batch_op.drop_index("ix_guest_downloads_resume")
        batch_op.drop_index(batch_op.f("ix_guest_downloads_link_id"))
    op.drop_table("guest_downloads")

    with op.batch_alter_table("trusted_devices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_trusted_devices_user_id"))
    op.drop_table("trusted_devices")

    with op.batch_alter_table("outbox_mails", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_outbox_mails_sealed_only_pending"), type_="check")
        batch_op.drop_column("sealed_body")
        batch_op.drop_column("secret")
