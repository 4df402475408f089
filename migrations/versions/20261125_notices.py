"""notices

Revision ID: notices_0001
Revises: onboarding_0001
Create Date: 2026-11-25 13:24:50.019511

"""
from alembic import op
import sqlalchemy as sa

import portal.db


# revision identifiers, used by Alembic.
revision = 'notices_0001'
down_revision = 'onboarding_0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('daily_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('task', sa.String(length=80), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('ran_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('summary', sa.String(length=500), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_daily_runs')),
    sa.UniqueConstraint('task', 'day', name=op.f('uq_daily_runs_task_day'))
    )
    op.create_table('notification_addresses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=True),
    sa.Column('token_expires_at', portal.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('confirmed_at', portal.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('removed_at', portal.db.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status <> 'confirmed' OR confirmed_at IS NOT NULL", name=op.f('ck_notification_addresses_confirmed')),
    sa.CheckConstraint("status IN ('pending', 'confirmed', 'removed')", name=op.f('ck_notification_addresses_status')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_notification_addresses_organization_id_organizations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_addresses')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_notification_addresses_token_hash'))
    )
    with op.batch_alter_table('notification_addresses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notification_addresses_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index('uq_notification_addresses_live', ['organization_id', 'email'], unique=True, sqlite_where=sa.text("status <> 'removed'"), postgresql_where=sa.text("status <> 'removed'"))

    op.create_table('notices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('title_ja', sa.String(length=200), nullable=False),
    sa.Column('title_en', sa.String(length=200), nullable=False),
    sa.Column('body_ja', sa.Text(), nullable=False),
    sa.Column('body_en', sa.Text(), nullable=False),
    sa.Column('source_ja', sa.Text(), nullable=False),
    sa.Column('source_en', sa.Text(), nullable=False),
    sa.Column('audience', sa.String(length=20), nullable=False),
    sa.Column('service_code', sa.String(length=30), nullable=True),
    sa.Column('effective_date', sa.Date(), nullable=True),
    sa.Column('send_email', sa.Boolean(), nullable=False),
    sa.Column('publish_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('published_at', portal.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('incident_status', sa.String(length=20), nullable=True),
    sa.Column('created_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('form_token', sa.String(length=64), nullable=False),
    sa.CheckConstraint("(audience = 'service') = (service_code IS NOT NULL)", name=op.f('ck_notices_service_audience')),
    sa.CheckConstraint("audience IN ('all', 'service', 'organizations')", name=op.f('ck_notices_audience')),
    sa.CheckConstraint("category IN ('maintenance', 'incident', 'fee_change', 'terms_change', 'service_change', 'discontinuation', 'general')", name=op.f('ck_notices_category')),
    sa.CheckConstraint("incident_status IS NULL OR incident_status IN ('investigating', 'identified', 'resolved')", name=op.f('ck_notices_incident_status')),
    sa.CheckConstraint("title_ja <> '' AND source_ja <> ''", name=op.f('ck_notices_japanese_required')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_notices_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notices')),
    sa.UniqueConstraint('form_token', name=op.f('uq_notices_form_token'))
    )
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notices_category'), ['category'], unique=False)
        batch_op.create_index(batch_op.f('ix_notices_publish_at'), ['publish_at'], unique=False)

    op.create_table('notification_address_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('address_id', sa.Integer(), nullable=False),
    sa.Column('event', sa.String(length=20), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('occurred_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("event IN ('added', 'confirmed', 'resent', 'removed')", name=op.f('ck_notification_address_events_event')),
    sa.ForeignKeyConstraint(['address_id'], ['notification_addresses.id'], name=op.f('fk_notification_address_events_address_id_notification_addresses')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_notification_address_events_organization_id_organizations')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notification_address_events_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_address_events'))
    )
    with op.batch_alter_table('notification_address_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notification_address_events_organization_id'), ['organization_id'], unique=False)

    op.create_table('notice_deliveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('notice_id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('posted_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['notice_id'], ['notices.id'], name=op.f('fk_notice_deliveries_notice_id_notices'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_notice_deliveries_organization_id_organizations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notice_deliveries')),
    sa.UniqueConstraint('notice_id', 'organization_id', name=op.f('uq_notice_deliveries_notice_id_organization_id'))
    )
    with op.batch_alter_table('notice_deliveries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notice_deliveries_organization_id'), ['organization_id'], unique=False)

    op.create_table('notice_reads',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('notice_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('read_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['notice_id'], ['notices.id'], name=op.f('fk_notice_reads_notice_id_notices'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notice_reads_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notice_reads')),
    sa.UniqueConstraint('notice_id', 'user_id', name=op.f('uq_notice_reads_notice_id_user_id'))
    )
    with op.batch_alter_table('notice_reads', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notice_reads_user_id'), ['user_id'], unique=False)

    op.create_table('notice_targets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('notice_id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['notice_id'], ['notices.id'], name=op.f('fk_notice_targets_notice_id_notices'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_notice_targets_organization_id_organizations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notice_targets')),
    sa.UniqueConstraint('notice_id', 'organization_id', name=op.f('uq_notice_targets_notice_id_organization_id'))
    )
    with op.batch_alter_table('notice_targets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notice_targets_organization_id'), ['organization_id'], unique=False)

    op.create_table('notice_updates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('notice_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('body_ja', sa.Text(), nullable=False),
    sa.Column('body_en', sa.Text(), nullable=False),
    sa.Column('created_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('form_token', sa.String(length=64), nullable=False),
    sa.CheckConstraint("status IN ('investigating', 'identified', 'resolved')", name=op.f('ck_notice_updates_status')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_notice_updates_created_by_id_users')),
    sa.ForeignKeyConstraint(['notice_id'], ['notices.id'], name=op.f('fk_notice_updates_notice_id_notices'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notice_updates')),
    sa.UniqueConstraint('form_token', name=op.f('uq_notice_updates_form_token'))
    )
    with op.batch_alter_table('notice_updates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notice_updates_notice_id'), ['notice_id'], unique=False)

    op.create_table('notice_delivery_mails',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('delivery_id', sa.Integer(), nullable=False),
    sa.Column('outbox_mail_id', sa.Integer(), nullable=False),
    sa.Column('address_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['address_id'], ['notification_addresses.id'], name=op.f('fk_notice_delivery_mails_address_id_notification_addresses')),
    sa.ForeignKeyConstraint(['delivery_id'], ['notice_deliveries.id'], name=op.f('fk_notice_delivery_mails_delivery_id_notice_deliveries'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['outbox_mail_id'], ['outbox_mails.id'], name=op.f('fk_notice_delivery_mails_outbox_mail_id_outbox_mails')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notice_delivery_mails')),
    sa.UniqueConstraint('outbox_mail_id', name=op.f('uq_notice_delivery_mails_outbox_mail_id'))
    )
    with op.batch_alter_table('notice_delivery_mails', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notice_delivery_mails_delivery_id'), ['delivery_id'], unique=False)



def downgrade():
    with op.batch_alter_table('notice_delivery_mails', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notice_delivery_mails_delivery_id'))

    op.drop_table('notice_delivery_mails')
    with op.batch_alter_table('notice_updates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notice_updates_notice_id'))

    op.drop_table('notice_updates')
    with op.batch_alter_table('notice_targets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notice_targets_organization_id'))

    op.drop_table('notice_targets')
    with op.batch_alter_table('notice_reads', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notice_reads_user_id'))

    op.drop_table('notice_reads')
    with op.batch_alter_table('notice_deliveries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notice_deliveries_organization_id'))

    op.drop_table('notice_deliveries')
    with op.batch_alter_table('notification_address_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notification_address_events_organization_id'))

    op.drop_table('notification_address_events')
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notices_publish_at'))
        batch_op.drop_index(batch_op.f('ix_notices_category'))

    op.drop_table('notices')
    with op.batch_alter_table('notification_addresses', schema=None) as batch_op:
        batch_op.drop_index('uq_notification_addresses_live', sqlite_where=sa.text("status <> 'removed'"), postgresql_where=sa.text("status <> 'removed'"))
        batch_op.drop_index(batch_op.f('ix_notification_addresses_organization_id'))

    op.drop_table('notification_addresses')
    op.drop_table('daily_runs')
