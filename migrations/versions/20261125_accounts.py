"""accounts

Revision ID: accounts_0001
Revises: 23edd880a481
Create Date: 2026-11-25 13:56:07.674445

"""
from alembic import op
import sqlalchemy as sa

import portal.db


# revision identifiers, used by Alembic.
revision = "accounts_0001"
down_revision = "23edd880a481"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('email_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('new_email', sa.String(length=254), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('confirmed_at', portal.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_email_changes_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_email_changes')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_email_changes_token_hash'))
    )
    with op.batch_alter_table('email_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_email_changes_user_id'), ['user_id'], unique=False)

    op.create_table('invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('login_id', sa.String(length=64), nullable=True),
    sa.Column('role', sa.String(length=10), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('accepted_at', portal.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('cancelled_at', portal.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("role IN ('admin', 'user')", name=op.f('ck_invitations_role')),
    sa.CheckConstraint('accepted_at IS NULL OR cancelled_at IS NULL', name=op.f('ck_invitations_accepted_or_cancelled')),
    sa.ForeignKeyConstraint(['invited_by_id'], ['users.id'], name=op.f('fk_invitations_invited_by_id_users')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_invitations_organization_id_organizations')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_invitations_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invitations')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_invitations_token_hash'))
    )
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invitations_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index('uq_invitations_pending_email', ['organization_id', 'email'], unique=True, sqlite_where=sa.text('accepted_at IS NULL AND cancelled_at IS NULL'), postgresql_where=sa.text('accepted_at IS NULL AND cancelled_at IS NULL'))

    op.create_table('misuse_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=True),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('reported_by_id', sa.Integer(), nullable=True),
    sa.Column('submitted_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=15), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('contained', sa.Boolean(), nullable=False),
    sa.Column('claimed_login_id', sa.String(length=64), nullable=False),
    sa.Column('claimed_organization', sa.String(length=200), nullable=False),
    sa.Column('contact_email', sa.String(length=254), nullable=False),
    sa.Column('resolved_at', portal.db.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("source IN ('own', 'admin', 'public')", name=op.f('ck_misuse_reports_source')),
    sa.CheckConstraint("status IN ('received', 'investigating', 'resolved')", name=op.f('ck_misuse_reports_status')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_misuse_reports_organization_id_organizations')),
    sa.ForeignKeyConstraint(['reported_by_id'], ['users.id'], name=op.f('fk_misuse_reports_reported_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_misuse_reports'))
    )
    with op.batch_alter_table('misuse_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_misuse_reports_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_misuse_reports_submitted_at'), ['submitted_at'], unique=False)

    op.create_table('organization_change_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('submitted_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('name_kana', sa.String(length=200), nullable=False),
    sa.Column('representative_name', sa.String(length=100), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', portal.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decision_note', sa.Text(), nullable=False),
    sa.CheckConstraint("status IN ('pending', 'approved', 'rejected')", name=op.f('ck_organization_change_requests_status')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_organization_change_requests_decided_by_id_users')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_organization_change_requests_organization_id_organizations')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_organization_change_requests_requested_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organization_change_requests'))
    )
    with op.batch_alter_table('organization_change_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organization_change_requests_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index('uq_organization_change_requests_pending', ['organization_id'], unique=True, sqlite_where=sa.text("status = 'pending'"), postgresql_where=sa.text("status = 'pending'"))

    op.create_table('password_resets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('reason', sa.String(length=20), nullable=False),
    sa.Column('created_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', portal.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_password_resets_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_password_resets')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_password_resets_token_hash'))
    )
    with op.batch_alter_table('password_resets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_password_resets_user_id'), ['user_id'], unique=False)

    op.create_table('recovery_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('used_at', portal.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_recovery_codes_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recovery_codes')),
    sa.UniqueConstraint('user_id', 'code_hash', name=op.f('uq_recovery_codes_user_id_code_hash'))
    )
    with op.batch_alter_table('recovery_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recovery_codes_user_id'), ['user_id'], unique=False)

    op.create_table('misuse_report_accounts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('is_open', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['report_id'], ['misuse_reports.id'], name=op.f('fk_misuse_report_accounts_report_id_misuse_reports')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_misuse_report_accounts_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_misuse_report_accounts'))
    )
    with op.batch_alter_table('misuse_report_accounts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_misuse_report_accounts_report_id'), ['report_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_misuse_report_accounts_user_id'), ['user_id'], unique=False)
        batch_op.create_index('uq_misuse_report_accounts_open_user', ['user_id'], unique=True, sqlite_where=sa.text('is_open'), postgresql_where=sa.text('is_open'))

    op.create_table('misuse_report_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=15), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_misuse_report_notes_author_id_users')),
    sa.ForeignKeyConstraint(['report_id'], ['misuse_reports.id'], name=op.f('fk_misuse_report_notes_report_id_misuse_reports')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_misuse_report_notes'))
    )
    with op.batch_alter_table('misuse_report_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_misuse_report_notes_report_id'), ['report_id'], unique=False)

    op.create_table('organization_history',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('changed_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.Column('field', sa.String(length=30), nullable=False),
    sa.Column('old_value', sa.String(length=300), nullable=False),
    sa.Column('new_value', sa.String(length=300), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['changed_by_id'], ['users.id'], name=op.f('fk_organization_history_changed_by_id_users')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_organization_history_organization_id_organizations')),
    sa.ForeignKeyConstraint(['request_id'], ['organization_change_requests.id'], name=op.f('fk_organization_history_request_id_organization_change_requests')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organization_history'))
    )
    with op.batch_alter_table('organization_history', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organization_history_organization_id'), ['organization_id'], unique=False)

    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index('ix_audit_events_login_id_occurred_at', ['login_id', 'occurred_at'], unique=False)

    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('require_two_factor', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('representative_name', sa.String(length=100), server_default='', nullable=False))
        batch_op.add_column(sa.Column('postal_code', sa.String(length=20), server_default='', nullable=False))
        batch_op.add_column(sa.Column('prefecture', sa.String(length=10), server_default='', nullable=False))
        batch_op.add_column(sa.Column('address', sa.String(length=300), server_default='', nullable=False))
        batch_op.add_column(sa.Column('phone', sa.String(length=20), server_default='', nullable=False))

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('password_reset_required', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('password_changed_at', portal.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('totp_secret', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('totp_enabled_at', portal.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('totp_last_step', sa.Integer(), nullable=True))



def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('totp_last_step')
        batch_op.drop_column('totp_enabled_at')
        batch_op.drop_column('totp_secret')
        batch_op.drop_column('password_changed_at')
        batch_op.drop_column('password_reset_required')

    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.drop_column('phone')
        batch_op.drop_column('address')
        batch_op.drop_column('prefecture')
        batch_op.drop_column('postal_code')
        batch_op.drop_column('representative_name')
        batch_op.drop_column('require_two_factor')

    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_events_login_id_occurred_at')

    with op.batch_alter_table('organization_history', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organization_history_organization_id'))

    op.drop_table('organization_history')
    with op.batch_alter_table('misuse_report_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_misuse_report_notes_report_id'))

    op.drop_table('misuse_report_notes')
    with op.batch_alter_table('misuse_report_accounts', schema=None) as batch_op:
        batch_op.drop_index('uq_misuse_report_accounts_open_user', sqlite_where=sa.text('is_open'), postgresql_where=sa.text('is_open'))
        batch_op.drop_index(batch_op.f('ix_misuse_report_accounts_user_id'))
        batch_op.drop_index(batch_op.f('ix_misuse_report_accounts_report_id'))

    op.drop_table('misuse_report_accounts')
    with op.batch_alter_table('recovery_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recovery_codes_user_id'))

    op.drop_table('recovery_codes')
    with op.batch_alter_table('password_resets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_password_resets_user_id'))

    op.drop_table('password_resets')
    with op.batch_alter_table('organization_change_requests', schema=None) as batch_op:
        batch_op.drop_index('uq_organization_change_requests_pending', sqlite_where=sa.text("status = 'pending'"), postgresql_where=sa.text("status = 'pending'"))
        batch_op.drop_index(batch_op.f('ix_organization_change_requests_organization_id'))

    op.drop_table('organization_change_requests')
    with op.batch_alter_table('misuse_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_misuse_reports_submitted_at'))
        batch_op.drop_index(batch_op.f('ix_misuse_reports_organization_id'))

    op.drop_table('misuse_reports')
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.drop_index('uq_invitations_pending_email', sqlite_where=sa.text('accepted_at IS NULL AND cancelled_at IS NULL'), postgresql_where=sa.text('accepted_at IS NULL AND cancelled_at IS NULL'))
        batch_op.drop_index(batch_op.f('ix_invitations_organization_id'))

    op.drop_table('invitations')
    with op.batch_alter_table('email_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_email_changes_user_id'))

    op.drop_table('email_changes')
