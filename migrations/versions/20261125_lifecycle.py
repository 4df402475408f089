"""lifecycle: plan change requests, cancellation notices, renewal applications, trial
conversions, contract ends and renewals, reminders, data deletions, partner contacts

Revision ID: lifecycle_0001
Revises: notices_0001
Create Date: 2026-11-25

"""
from alembic import op
import sqlalchemy as sa

import portal.db


revision = "lifecycle_0001"
down_revision = "notices_0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('contract_ends',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('last_day', sa.Date(), nullable=False),
    sa.Column('reason', sa.String(length=20), nullable=False),
    sa.Column('recorded_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("reason IN ('cancellation', 'trial_end', 'agent_period_end')", name=op.f('ck_contract_ends_reason')),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], name=op.f('fk_contract_ends_contract_id_contracts')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_contract_ends_organization_id_organizations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contract_ends')),
    sa.UniqueConstraint('contract_id', name=op.f('uq_contract_ends_contract_id'))
    )
    with op.batch_alter_table('contract_ends', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contract_ends_organization_id'), ['organization_id'], unique=False)
    op.create_table('data_deletions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('contract_end_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('deleted_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('summary', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['contract_end_id'], ['contract_ends.id'], name=op.f('fk_data_deletions_contract_end_id_contract_ends')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_data_deletions_organization_id_organizations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_data_deletions')),
    sa.UniqueConstraint('contract_end_id', name=op.f('uq_data_deletions_contract_end_id'))
    )
    with op.batch_alter_table('data_deletions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_data_deletions_organization_id'), ['organization_id'], unique=False)
    op.create_table('plan_change_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('from_plan_id', sa.Integer(), nullable=False),
    sa.Column('to_plan_id', sa.Integer(), nullable=False),
    sa.Column('request_date', sa.Date(), nullable=False),
    sa.Column('desired_date', sa.Date(), nullable=False),
    sa.Column('effective_date', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('requested_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', portal.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('refusal_reason', sa.Text(), nullable=False),
    sa.Column('withdrawn_at', portal.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('applied_at', portal.db.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status <> 'refused' OR refusal_reason <> ''", name=op.f('ck_plan_change_requests_refusal_reason')),
    sa.CheckConstraint("status IN ('requested', 'agreed', 'refused', 'withdrawn', 'applied')", name=op.f('ck_plan_change_requests_status')),
    sa.CheckConstraint("status NOT IN ('agreed', 'applied') OR effective_date IS NOT NULL", name=op.f('ck_plan_change_requests_effective')),
    sa.CheckConstraint('from_plan_id <> to_plan_id', name=op.f('ck_plan_change_requests_other_plan')),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], name=op.f('fk_plan_change_requests_contract_id_contracts')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_plan_change_requests_decided_by_id_users')),
    sa.ForeignKeyConstraint(['from_plan_id'], ['plans.id'], name=op.f('fk_plan_change_requests_from_plan_id_plans')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_plan_change_requests_organization_id_organizations')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_plan_change_requests_requested_by_id_users')),
    sa.ForeignKeyConstraint(['to_plan_id'], ['plans.id'], name=op.f('fk_plan_change_requests_to_plan_id_plans')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_change_requests'))
    )
    with op.batch_alter_table('plan_change_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_change_requests_contract_id'), ['contract_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_change_requests_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index('uq_plan_change_requests_open', ['contract_id'], unique=True, sqlite_where=sa.text("status IN ('requested', 'agreed')"), postgresql_where=sa.text("status IN ('requested', 'agreed')"))
    op.create_table('cancellation_notices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('basis', sa.String(length=15), nullable=False),
    sa.Column('notice_date', sa.Date(), nullable=False),
    sa.Column('noticed_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_day', sa.Date(), nullable=False),
    sa.Column('billed_month_start', sa.Date(), nullable=True),
    sa.Column('billed_month_end', sa.Date(), nullable=True),
    sa.Column('minimum_term_end', sa.Date(), nullable=True),
    sa.Column('early_termination_months', sa.Integer(), nullable=False),
    sa.Column('early_termination_fee', sa.Integer(), nullable=False),
    sa.Column('clauses', sa.String(length=100), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('given_by_id', sa.Integer(), nullable=False),
    sa.Column('confirmed_by_id', sa.Integer(), nullable=True),
    sa.Column('confirmed_at', portal.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('withdrawn_at', portal.db.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("basis IN ('chosen', 'minimum_term', 'terms_change')", name=op.f('ck_cancellation_notices_basis')),
    sa.CheckConstraint("status IN ('requested', 'confirmed', 'withdrawn', 'completed')", name=op.f('ck_cancellation_notices_status')),
    sa.CheckConstraint('early_termination_fee >= 0 AND early_termination_months >= 0', name=op.f('ck_cancellation_notices_fee')),
    sa.CheckConstraint('last_day >= notice_date', name=op.f('ck_cancellation_notices_last_day')),
    sa.ForeignKeyConstraint(['confirmed_by_id'], ['users.id'], name=op.f('fk_cancellation_notices_confirmed_by_id_users')),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], name=op.f('fk_cancellation_notices_contract_id_contracts')),
    sa.ForeignKeyConstraint(['given_by_id'], ['users.id'], name=op.f('fk_cancellation_notices_given_by_id_users')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_cancellation_notices_organization_id_organizations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cancellation_notices'))
    )
    with op.batch_alter_table('cancellation_notices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cancellation_notices_contract_id'), ['contract_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cancellation_notices_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index('uq_cancellation_notices_open', ['contract_id'], unique=True, sqlite_where=sa.text("status IN ('requested', 'confirmed')"), postgresql_where=sa.text("status IN ('requested', 'confirmed')"))
    op.create_table('renewal_applications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('applied_by_id', sa.Integer(), nullable=False),
    sa.Column('applied_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['applied_by_id'], ['users.id'], name=op.f('fk_renewal_applications_applied_by_id_users')),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], name=op.f('fk_renewal_applications_contract_id_contracts')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_renewal_applications_organization_id_organizations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_renewal_applications')),
    sa.UniqueConstraint('contract_id', 'period_end', name=op.f('uq_renewal_applications_contract_id_period_end'))
    )
    with op.batch_alter_table('renewal_applications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_renewal_applications_contract_id'), ['contract_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_renewal_applications_organization_id'), ['organization_id'], unique=False)
    op.create_table('trial_conversion_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('billing_period_months', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('requested_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', portal.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('refusal_reason', sa.Text(), nullable=False),
    sa.CheckConstraint("status IN ('requested', 'approved', 'refused', 'withdrawn')", name=op.f('ck_trial_conversion_requests_status')),
    sa.CheckConstraint('billing_period_months IN (1, 3, 6, 12)', name=op.f('ck_trial_conversion_requests_billing_period')),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], name=op.f('fk_trial_conversion_requests_contract_id_contracts')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_trial_conversion_requests_decided_by_id_users')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_trial_conversion_requests_organization_id_organizations')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_trial_conversion_requests_requested_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_trial_conversion_requests'))
    )
    with op.batch_alter_table('trial_conversion_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_trial_conversion_requests_contract_id'), ['contract_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_trial_conversion_requests_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index('uq_trial_conversion_requests_open', ['contract_id'], unique=True, sqlite_where=sa.text("status = 'requested'"), postgresql_where=sa.text("status = 'requested'"))
    op.create_table('contract_renewals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('renewed_on', sa.Date(), nullable=False),
    sa.Column('term_end', sa.Date(), nullable=False),
    sa.Column('recorded_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], name=op.f('fk_contract_renewals_contract_id_contracts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contract_renewals')),
    sa.UniqueConstraint('contract_id', 'renewed_on', name=op.f('uq_contract_renewals_contract_id_renewed_on'))
    )
    with op.batch_alter_table('contract_renewals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contract_renewals_contract_id'), ['contract_id'], unique=False)
    op.create_table('lifecycle_reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('about', sa.Date(), nullable=False),
    sa.Column('sent_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], name=op.f('fk_lifecycle_reminders_contract_id_contracts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lifecycle_reminders')),
    sa.UniqueConstraint('contract_id', 'kind', 'about', name=op.f('uq_lifecycle_reminders_contract_id_kind_about'))
    )
    with op.batch_alter_table('lifecycle_reminders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lifecycle_reminders_contract_id'), ['contract_id'], unique=False)
    op.create_table('partner_contacts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('updated_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("email <> ''", name=op.f('ck_partner_contacts_email')),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], name=op.f('fk_partner_contacts_contract_id_contracts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partner_contacts')),
    sa.UniqueConstraint('contract_id', name=op.f('uq_partner_contacts_contract_id'))
    )


def downgrade():
    op.drop_table('partner_contacts')
    op.drop_table('lifecycle_reminders')
    op.drop_table('contract_renewals')
    op.drop_table('trial_conversion_requests')
    op.drop_table('renewal_applications')
    op.drop_table('cancellation_notices')
    op.drop_table('plan_change_requests')
    op.drop_table('data_deletions')
    op.drop_table('contract_ends')
