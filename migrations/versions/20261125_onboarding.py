"""onboarding

Revision ID: onboarding_0001
Revises: accounts_0001
Create Date: 2026-11-25 13:20:58.775024

"""
from alembic import op
import sqlalchemy as sa

import portal.db


# revision identifiers, used by Alembic.
revision = "onboarding_0001"
down_revision = "accounts_0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('services',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=30), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('japan_only', sa.Boolean(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.CheckConstraint("code IN ('image_works', 'secure_deliver', 'image_works_prus')", name=op.f('ck_services_code')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_services')),
    sa.UniqueConstraint('code', name=op.f('uq_services_code'))
    )
    op.create_table('terms_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('effective_date', sa.Date(), nullable=False),
    sa.Column('published_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("version <> ''", name=op.f('ck_terms_versions_version')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_terms_versions')),
    sa.UniqueConstraint('version', name=op.f('uq_terms_versions_version'))
    )
    with op.batch_alter_table('terms_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_terms_versions_effective_date'), ['effective_date'], unique=False)

    op.create_table('plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('monthly_fee', sa.Integer(), nullable=False),
    sa.Column('minimum_months', sa.Integer(), nullable=False),
    sa.Column('billing_periods', sa.String(length=20), nullable=False),
    sa.Column('max_users', sa.Integer(), nullable=False),
    sa.Column('max_storage_bytes', sa.BigInteger(), nullable=False),
    sa.Column('max_active_guest_links', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('created_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('max_users >= 0 AND max_storage_bytes >= 0 AND max_active_guest_links >= 0', name=op.f('ck_plans_quotas')),
    sa.CheckConstraint('minimum_months >= 1', name=op.f('ck_plans_minimum_months')),
    sa.CheckConstraint('monthly_fee >= 0', name=op.f('ck_plans_monthly_fee')),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_plans_service_id_services')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plans')),
    sa.UniqueConstraint('service_id', 'code', name='uq_plans_service_id_code')
    )
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plans_service_id'), ['service_id'], unique=False)

    op.create_table('applications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=20), nullable=False),
    sa.Column('form_nonce', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('company_name', sa.String(length=200), nullable=False),
    sa.Column('company_name_kana', sa.String(length=200), nullable=False),
    sa.Column('representative_name', sa.String(length=100), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('postal_code', sa.String(length=20), nullable=False),
    sa.Column('prefecture', sa.String(length=10), nullable=False),
    sa.Column('city', sa.String(length=100), nullable=False),
    sa.Column('address_line1', sa.String(length=200), nullable=False),
    sa.Column('address_line2', sa.String(length=200), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('contact_name', sa.String(length=100), nullable=False),
    sa.Column('contact_email', sa.String(length=254), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('partner_name', sa.String(length=200), nullable=False),
    sa.Column('trial', sa.Boolean(), nullable=False),
    sa.Column('billing_period_months', sa.Integer(), nullable=False),
    sa.Column('locale', sa.String(length=5), nullable=False),
    sa.Column('terms_version_id', sa.Integer(), nullable=False),
    sa.Column('submitted_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('applied_on', sa.Date(), nullable=False),
    sa.Column('decided_at', portal.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('rejection_reason', sa.Text(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('organization_id', sa.Integer(), nullable=True),
    sa.Column('start_notice_sent_at', portal.db.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("channel IN ('direct', 'reseller', 'agent')", name=op.f('ck_applications_channel')),
    sa.CheckConstraint("status <> 'approved' OR (organization_id IS NOT NULL AND start_date IS NOT NULL)", name=op.f('ck_applications_approved_has_organization')),
    sa.CheckConstraint("status IN ('submitted', 'approved', 'rejected')", name=op.f('ck_applications_status')),
    sa.CheckConstraint('billing_period_months IN (1, 3, 6, 12)', name=op.f('ck_applications_billing_period')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_applications_decided_by_id_users')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_applications_organization_id_organizations')),
    sa.ForeignKeyConstraint(['terms_version_id'], ['terms_versions.id'], name=op.f('fk_applications_terms_version_id_terms_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_applications')),
    sa.UniqueConstraint('form_nonce', name=op.f('uq_applications_form_nonce')),
    sa.UniqueConstraint('reference', name=op.f('uq_applications_reference'))
    )
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_applications_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_applications_status'), ['status'], unique=False)

    op.create_table('contracts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('billing_period_months', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('partner_name', sa.String(length=200), nullable=False),
    sa.Column('trial', sa.Boolean(), nullable=False),
    sa.Column('trial_end_date', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=15), nullable=False),
    sa.Column('created_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("channel = 'direct' OR partner_name <> ''", name=op.f('ck_contracts_partner')),
    sa.CheckConstraint("channel IN ('direct', 'reseller', 'agent')", name=op.f('ck_contracts_channel')),
    sa.CheckConstraint("status IN ('trial', 'active', 'notice_given', 'ended', 'suspended')", name=op.f('ck_contracts_status')),
    sa.CheckConstraint('(trial AND trial_end_date IS NOT NULL) OR (NOT trial AND trial_end_date IS NULL)', name=op.f('ck_contracts_trial_end')),
    sa.CheckConstraint('billing_period_months IN (1, 3, 6, 12)', name=op.f('ck_contracts_billing_period')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_contracts_organization_id_organizations')),
    sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_contracts_plan_id_plans')),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_contracts_service_id_services')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contracts'))
    )
    with op.batch_alter_table('contracts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contracts_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index('uq_contracts_live_service', ['organization_id', 'service_id'], unique=True, sqlite_where=sa.text("status IN ('trial', 'active', 'notice_given', 'suspended')"), postgresql_where=sa.text("status IN ('trial', 'active', 'notice_given', 'suspended')"))

    op.create_table('application_inquiries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('created_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ip_address', sa.String(length=45), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_application_inquiries_application_id_applications')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_application_inquiries'))
    )
    with op.batch_alter_table('application_inquiries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_application_inquiries_application_id'), ['application_id'], unique=False)

    op.create_table('application_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_application_items_application_id_applications')),
    sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_application_items_plan_id_plans')),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_application_items_service_id_services')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_application_items')),
    sa.UniqueConstraint('application_id', 'service_id', name='uq_application_items_service')
    )
    with op.batch_alter_table('application_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_application_items_application_id'), ['application_id'], unique=False)

    op.create_table('terms_acceptances',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('terms_version_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('application_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('accepted_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ip_address', sa.String(length=45), nullable=False),
    sa.Column('user_agent', sa.String(length=500), nullable=False),
    sa.CheckConstraint("kind IN ('explicit', 'deemed')", name=op.f('ck_terms_acceptances_kind')),
    sa.CheckConstraint('user_id IS NOT NULL OR application_id IS NOT NULL', name=op.f('ck_terms_acceptances_who')),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_terms_acceptances_application_id_applications')),
    sa.ForeignKeyConstraint(['terms_version_id'], ['terms_versions.id'], name=op.f('fk_terms_acceptances_terms_version_id_terms_versions')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_terms_acceptances_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_terms_acceptances'))
    )
    with op.batch_alter_table('terms_acceptances', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_terms_acceptances_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_terms_acceptances_terms_version_id'), ['terms_version_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_terms_acceptances_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('terms_acceptances', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_terms_acceptances_user_id'))
        batch_op.drop_index(batch_op.f('ix_terms_acceptances_terms_version_id'))
        batch_op.drop_index(batch_op.f('ix_terms_acceptances_application_id'))

    op.drop_table('terms_acceptances')
    with op.batch_alter_table('application_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_application_items_application_id'))

    op.drop_table('application_items')
    with op.batch_alter_table('application_inquiries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_application_inquiries_application_id'))

    op.drop_table('application_inquiries')
    with op.batch_alter_table('contracts', schema=None) as batch_op:
        batch_op.drop_index('uq_contracts_live_service', sqlite_where=sa.text("status IN ('trial', 'active', 'notice_given', 'suspended')"), postgresql_where=sa.text("status IN ('trial', 'active', 'notice_given', 'suspended')"))
        batch_op.drop_index(batch_op.f('ix_contracts_organization_id'))

    op.drop_table('contracts')
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_applications_status'))
        batch_op.drop_index(batch_op.f('ix_applications_organization_id'))

    op.drop_table('applications')
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plans_service_id'))

    op.drop_table('plans')
    with op.batch_alter_table('terms_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_terms_versions_effective_date'))

    op.drop_table('terms_versions')
    op.drop_table('services')
