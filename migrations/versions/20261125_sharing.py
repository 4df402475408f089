"""sharing: deliveries, stored files, guest links, their access log and sharing settings

Revision ID: sharing_0001
Revises: lifecycle_0001
Create Date: 2026-11-25 13:31:32.603136

"""
from alembic import op
import sqlalchemy as sa

import portal.db


# revision identifiers, used by Alembic.
revision = 'sharing_0001'
down_revision = 'lifecycle_0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('deliveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('created_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('form_token', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_deliveries_created_by_id_users')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_deliveries_organization_id_organizations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deliveries')),
    sa.UniqueConstraint('form_token', name=op.f('uq_deliveries_form_token'))
    )
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deliveries_created_by_id'), ['created_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_deliveries_organization_id'), ['organization_id'], unique=False)

    op.create_table('sharing_settings',
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('max_link_days', sa.Integer(), nullable=False),
    sa.Column('updated_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('max_link_days BETWEEN 1 AND 365', name=op.f('ck_sharing_settings_max_link_days')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_sharing_settings_organization_id_organizations')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_sharing_settings_updated_by_id_users')),
    sa.PrimaryKeyConstraint('organization_id', name=op.f('pk_sharing_settings'))
    )
    op.create_table('guest_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('delivery_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('label', sa.String(length=100), nullable=False),
    sa.Column('created_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=True),
    sa.Column('max_downloads', sa.Integer(), nullable=True),
    sa.Column('downloads', sa.Integer(), server_default='0', nullable=False),
    sa.Column('notify_on_download', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('used_up_at', portal.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', portal.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked_by_id', sa.Integer(), nullable=True),
    sa.Column('suspended_at', portal.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('suspend_reason', sa.String(length=50), nullable=True),
    sa.Column('attack_notified_at', portal.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('form_token', sa.String(length=64), nullable=True),
    sa.CheckConstraint('downloads >= 0 AND (max_downloads IS NULL OR downloads <= max_downloads)', name=op.f('ck_guest_links_downloads')),
    sa.CheckConstraint('expires_at > created_at', name=op.f('ck_guest_links_expiry')),
    sa.CheckConstraint('max_downloads IS NULL OR max_downloads > 0', name=op.f('ck_guest_links_max_downloads')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_guest_links_created_by_id_users')),
    sa.ForeignKeyConstraint(['delivery_id'], ['deliveries.id'], name=op.f('fk_guest_links_delivery_id_deliveries')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_guest_links_organization_id_organizations')),
    sa.ForeignKeyConstraint(['revoked_by_id'], ['users.id'], name=op.f('fk_guest_links_revoked_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_guest_links')),
    sa.UniqueConstraint('form_token', name=op.f('uq_guest_links_form_token')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_guest_links_token_hash'))
    )
    with op.batch_alter_table('guest_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_guest_links_created_by_id'), ['created_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_guest_links_delivery_id'), ['delivery_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_guest_links_organization_id'), ['organization_id'], unique=False)

    op.create_table('stored_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('delivery_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=150), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('storage_key', sa.String(length=64), nullable=False),
    sa.Column('created_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('size >= 0', name=op.f('ck_stored_files_size')),
    sa.ForeignKeyConstraint(['delivery_id'], ['deliveries.id'], name=op.f('fk_stored_files_delivery_id_deliveries')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_stored_files_organization_id_organizations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stored_files')),
    sa.UniqueConstraint('storage_key', name=op.f('uq_stored_files_storage_key'))
    )
    with op.batch_alter_table('stored_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stored_files_delivery_id'), ['delivery_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stored_files_organization_id'), ['organization_id'], unique=False)

    op.create_table('guest_accesses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('link_id', sa.Integer(), nullable=False),
    sa.Column('occurred_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('file_id', sa.Integer(), nullable=True),
    sa.Column('file_name', sa.String(length=255), nullable=False),
    sa.Column('ip_address', sa.String(length=45), nullable=False),
    sa.Column('user_agent', sa.String(length=500), nullable=False),
    sa.Column('browser', sa.String(length=100), nullable=False),
    sa.Column('os', sa.String(length=100), nullable=False),
    sa.CheckConstraint("kind IN ('view', 'download', 'resume', 'zip', 'password_failed')", name=op.f('ck_guest_accesses_kind')),
    sa.ForeignKeyConstraint(['file_id'], ['stored_files.id'], name=op.f('fk_guest_accesses_file_id_stored_files')),
    sa.ForeignKeyConstraint(['link_id'], ['guest_links.id'], name=op.f('fk_guest_accesses_link_id_guest_links')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_guest_accesses'))
    )
    with op.batch_alter_table('guest_accesses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_guest_accesses_link_id'), ['link_id'], unique=False)
        batch_op.create_index('ix_guest_accesses_link_kind_time', ['link_id', 'kind', 'occurred_at'], unique=False)



def downgrade():
    with op.batch_alter_table('guest_accesses', schema=None) as batch_op:
        batch_op.drop_index('ix_guest_accesses_link_kind_time')
        batch_op.drop_index(batch_op.f('ix_guest_accesses_link_id'))

    op.drop_table('guest_accesses')
    with op.batch_alter_table('stored_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stored_files_organization_id'))
        batch_op.drop_index(batch_op.f('ix_stored_files_delivery_id'))

    op.drop_table('stored_files')
    with op.batch_alter_table('guest_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_guest_links_organization_id'))
        batch_op.drop_index(batch_op.f('ix_guest_links_delivery_id'))
        batch_op.drop_index(batch_op.f('ix_guest_links_created_by_id'))

    op.drop_table('guest_links')
    op.drop_table('sharing_settings')
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deliveries_organization_id'))
        batch_op.drop_index(batch_op.f('ix_deliveries_created_by_id'))

    op.drop_table('deliveries')
