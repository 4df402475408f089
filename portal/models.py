"""Imports every area's models so `db.metadata` knows all tables (for Alembic and tests)."""
from portal.accounts.models import AuditEvent, Organization, User, UserSession  # noqa: F401
from portal.mail import OutboxMail  # noqa: F401
