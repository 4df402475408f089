"""perf: indexes for the list pages, so every page (also a deep one) is read from an index

- audit_events (user_id, occurred_at, id): a user's sign-in history, newest first.
- users (organization_id, login_id): the organization's user list in login-ID order.
- deliveries (created_by_id, created_at, id): a user's deliveries, newest first.
- guest_links (organization_id, created_at, id) and (created_by_id, created_at, id): the
  organization's and a creator's links, newest first (keyset pages).
- guest_accesses (link_id, occurred_at, id): a link's access log, newest first (keyset pages).

Revision ID: perf_0001
Revises: security_0001
Create Date: 2026-12-01 12:00:00
"""
from alembic import op

revision = "perf_0001"
down_revision = "jobs_0001"
branch_labels = None
depends_on = None

INDEXES = [
    ("ix_audit_events_user_time", "audit_events", ["user_id", "occurred_at", "id"]),
    ("ix_users_org_login", "users", ["organization_id", "login_id"]),
    ("ix_deliveries_creator_time", "deliveries", ["created_by_id", "created_at", "id"]),
    ("ix_guest_links_org_time", "guest_links", ["organization_id", "created_at", "id"]),
    ("ix_guest_links_creator_time", "guest_links", ["created_by_id", "created_at", "id"]),
    ("ix_guest_accesses_link_time", "guest_accesses", ["link_id", "occurred_at", "id"]),
]


def upgrade():
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade():
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
