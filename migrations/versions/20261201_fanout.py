"""fanout: the notice mail fan-out moves to the mail worker

- notices.mails_queued_at: set once the worker has queued every delivery's mail.
- notice_deliveries.mails_queued_at: set in the worker batch that queued the delivery's mail.

Notices published before this revision had their mail queued in the publishing request, so
both columns are filled for them (no mail is sent twice after the upgrade).

Revision ID: fanout_0001
Revises: perf_0001
Create Date: 2026-12-01 13:30:00
"""
import sqlalchemy as sa
from alembic import op

import portal.db

revision = "fanout_0001"
down_revision = "perf_0001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("notices") as batch:
        batch.add_column(sa.Column("mails_queued_at", portal.db.UTCDateTime(timezone=True), nullable=True))
    with op.batch_alter_table("notice_deliveries") as batch:
        batch.add_column(sa.Column("mails_queued_at", portal.db.UTCDateTime(timezone=True), nullable=True))
    op.execute("UPDATE notices SET mails_queued_at = published_at WHERE published_at IS NOT NULL")
    op.execute("UPDATE notice_deliveries SET mails_queued_at = posted_at")


def downgrade():
    with op.batch_alter_table("notice_deliveries") as batch:
        batch.drop_column("mails_queued_at")
    with op.batch_alter_table("notices") as batch:
        batch.drop_column("mails_queued_at")
