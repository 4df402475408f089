"""cases15: fault reports (§13(4)), §19/§20 notices, the §28(1) representation

- fault_reports, fault_report_entries: a customer's report of a fault with its time (the
  §13(4) notification, never edited) and its thread of staff replies and customer follow-ups.
- notices: the `business_transfer` category (§20) with `transferee_name`, and
  `discontinuation_basis` (long_interruption = §19(1), any_reason = §19(2)); existing
  discontinuation notices keep no basis (they were checked against §19(2)'s 90 days).
- applications: `antisocial_declared_at`, when the applicant gave the §28(1) representation
  (under the application's terms version); NULL for applications made before it was asked.

Downgrade drops what was added; business-transfer notices become "general" notices (their
text stays) so the old category constraint holds.

Revision ID: cases15_0001
Revises: security_0001
Create Date: 2026-12-01 12:00:00
"""
from alembic import op
import sqlalchemy as sa

import portal.db


revision = "cases15_0001"
down_revision = "security_0001"
branch_labels = None
depends_on = None

OLD_CATEGORIES = ("maintenance", "incident", "fee_change", "terms_change", "service_change",
                  "discontinuation", "general")
NEW_CATEGORIES = OLD_CATEGORIES[:-1] + ("business_transfer", "general")


def _in(column, values):
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade():
    op.create_table('fault_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('reported_by_id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=True),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('occurred_at', portal.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reported_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=15), nullable=False),
    sa.Column('last_entry_at', portal.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_at', portal.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('form_token', sa.String(length=64), nullable=False),
    sa.CheckConstraint("(status = 'closed') = (closed_at IS NOT NULL)", name=op.f('ck_fault_reports_closed_at')),
    sa.CheckConstraint("status IN ('received', 'investigating', 'answered', 'closed')", name=op.f('ck_fault_reports_status')),
    sa.CheckConstraint("subject <> '' AND description <> ''", name=op.f('ck_fault_reports_description_required')),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], name=op.f('fk_fault_reports_contract_id_contracts')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_fault_reports_organization_id_organizations')),
    sa.ForeignKeyConstraint(['reported_by_id'], ['users.id'], name=op.f('fk_fault_reports_reported_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fault_reports')),
    sa.UniqueConstraint('form_token', name=op.f('uq_fault_reports_form_token'))
    )
    with op.batch_alter_table('fault_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fault_reports_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_fault_reports_reported_at'), ['reported_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_fault_reports_reported_by_id'), ['reported_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_fault_reports_status'), ['status'], unique=False)

    op.create_table('fault_report_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=15), nullable=True),
    sa.Column('created_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('form_token', sa.String(length=64), nullable=False),
    sa.CheckConstraint("body <> '' OR status IS NOT NULL", name=op.f('ck_fault_report_entries_says_something')),
    sa.CheckConstraint("kind = 'reply' OR status IS NULL OR status = 'investigating'", name=op.f('ck_fault_report_entries_followup_status')),
    sa.CheckConstraint("kind IN ('reply', 'followup')", name=op.f('ck_fault_report_entries_kind')),
    sa.CheckConstraint("status IS NULL OR status IN ('received', 'investigating', 'answered', 'closed')", name=op.f('ck_fault_report_entries_status')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_fault_report_entries_author_id_users')),
    sa.ForeignKeyConstraint(['report_id'], ['fault_reports.id'], name=op.f('fk_fault_report_entries_report_id_fault_reports')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fault_report_entries')),
    sa.UniqueConstraint('form_token', name=op.f('uq_fault_report_entries_form_token'))
    )
    with op.batch_alter_table('fault_report_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fault_report_entries_report_id'), ['report_id'], unique=False)

    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('antisocial_declared_at', portal.db.UTCDateTime(timezone=True), nullable=True))

    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('discontinuation_basis', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('transferee_name', sa.String(length=200), server_default='', nullable=False))
        batch_op.drop_constraint(op.f("ck_notices_category"), type_="check")
        batch_op.create_check_constraint("category", _in("category", NEW_CATEGORIES))
        batch_op.create_check_constraint(
            "discontinuation_basis_only", "discontinuation_basis IS NULL OR category = 'discontinuation'")
        batch_op.create_check_constraint(
            "discontinuation_basis",
            "discontinuation_basis IS NULL OR discontinuation_basis IN ('long_interruption', 'any_reason')")


def downgrade():
    notices = sa.table("notices", sa.column("category", sa.String))
    op.get_bind().execute(notices.update().where(notices.c.category == "business_transfer")
                          .values(category="general"))
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_notices_discontinuation_basis"), type_="check")
        batch_op.drop_constraint(op.f("ck_notices_discontinuation_basis_only"), type_="check")
        batch_op.drop_constraint(op.f("ck_notices_category"), type_="check")
        batch_op.create_check_constraint("category", _in("category", OLD_CATEGORIES))
        batch_op.drop_column('transferee_name')
        batch_op.drop_column('discontinuation_basis')

    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_column('antisocial_declared_at')

    with op.batch_alter_table('fault_report_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fault_report_entries_report_id'))

    op.drop_table('fault_report_entries')
    with op.batch_alter_table('fault_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fault_reports_status'))
        batch_op.drop_index(batch_op.f('ix_fault_reports_reported_by_id'))
        batch_op.drop_index(batch_op.f('ix_fault_reports_reported_at'))
        batch_op.drop_index(batch_op.f('ix_fault_reports_organization_id'))

    op.drop_table('fault_reports')
