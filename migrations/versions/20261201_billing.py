"""billing: invoices and their lines, billed months (one per contract and 月度), payments and
their CSV imports, payment demands (§8, §14, §15); the price list's dated fee changes (§8(1)).

Revision ID: billing_0001
Revises: terms15_0001

"""
from alembic import op
import sqlalchemy as sa

import portal.db


# revision identifiers, used by Alembic.
revision = 'billing_0001'
down_revision = 'terms15_0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('plan_fee_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('old_fee', sa.Integer(), nullable=False),
    sa.Column('fee', sa.Integer(), nullable=False),
    sa.Column('effective_date', sa.Date(), nullable=False),
    sa.Column('notice_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('applied_at', portal.db.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint('fee >= 0 AND old_fee >= 0 AND fee <> old_fee', name=op.f('ck_plan_fee_changes_fee')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_plan_fee_changes_created_by_id_users')),
    sa.ForeignKeyConstraint(['notice_id'], ['notices.id'], name=op.f('fk_plan_fee_changes_notice_id_notices')),
    sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_plan_fee_changes_plan_id_plans')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_fee_changes')),
    sa.UniqueConstraint('plan_id', 'effective_date', name=op.f('uq_plan_fee_changes_plan_id_effective_date'))
    )
    with op.batch_alter_table('plan_fee_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_fee_changes_plan_id'), ['plan_id'], unique=False)

    op.create_table('invoices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('refers_to_id', sa.Integer(), nullable=True),
    sa.Column('issue_date', sa.Date(), nullable=False),
    sa.Column('issue_month', sa.Date(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('customer_name', sa.String(length=200), nullable=False),
    sa.Column('issuer_name', sa.String(length=200), nullable=False),
    sa.Column('registration_number', sa.String(length=14), nullable=False),
    sa.Column('payee', sa.Text(), nullable=False),
    sa.Column('assigned_to', sa.String(length=200), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('subtotal', sa.Integer(), nullable=False),
    sa.Column('tax', sa.Integer(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('created_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(kind = 'credit_note') = (refers_to_id IS NOT NULL)", name=op.f('ck_invoices_refers_to')),
    sa.CheckConstraint("kind = 'credit_note' OR due_date IS NOT NULL", name=op.f('ck_invoices_due_date')),
    sa.CheckConstraint("kind IN ('invoice', 'credit_note')", name=op.f('ck_invoices_kind')),
    sa.CheckConstraint('total = subtotal + tax AND subtotal >= 0 AND tax >= 0', name=op.f('ck_invoices_total')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_invoices_organization_id_organizations')),
    sa.ForeignKeyConstraint(['refers_to_id'], ['invoices.id'], name=op.f('fk_invoices_refers_to_id_invoices')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invoices')),
    sa.UniqueConstraint('seq', name=op.f('uq_invoices_seq'))
    )
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invoices_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_invoices_refers_to_id'), ['refers_to_id'], unique=False)

    op.create_table('payment_demands',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('demanded_on', sa.Date(), nullable=False),
    sa.Column('by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['by_id'], ['users.id'], name=op.f('fk_payment_demands_by_id_users')),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], name=op.f('fk_payment_demands_invoice_id_invoices')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_payment_demands_organization_id_organizations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_demands')),
    sa.UniqueConstraint('invoice_id', 'demanded_on', name=op.f('uq_payment_demands_invoice_id_demanded_on'))
    )
    with op.batch_alter_table('payment_demands', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payment_demands_invoice_id'), ['invoice_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payment_demands_organization_id'), ['organization_id'], unique=False)

    op.create_table('payment_imports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('rows', sa.Integer(), nullable=False),
    sa.Column('imported_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['imported_by_id'], ['users.id'], name=op.f('fk_payment_imports_imported_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_imports')),
    sa.UniqueConstraint('sha256', name=op.f('uq_payment_imports_sha256'))
    )
    op.create_table('invoice_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('service_name', sa.String(length=100), nullable=False),
    sa.Column('plan_name', sa.String(length=100), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=True),
    sa.Column('period_end', sa.Date(), nullable=True),
    sa.Column('months', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('tax_rate', sa.Integer(), nullable=False),
    sa.Column('clauses', sa.String(length=100), nullable=False),
    sa.CheckConstraint("kind IN ('fee', 'early_termination', 'credit')", name=op.f('ck_invoice_lines_kind')),
    sa.CheckConstraint('amount >= 0 AND tax_rate >= 0 AND months >= 0', name=op.f('ck_invoice_lines_amount')),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], name=op.f('fk_invoice_lines_contract_id_contracts')),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], name=op.f('fk_invoice_lines_invoice_id_invoices')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invoice_lines'))
    )
    with op.batch_alter_table('invoice_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invoice_lines_contract_id'), ['contract_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_invoice_lines_invoice_id'), ['invoice_id'], unique=False)
        batch_op.create_index('uq_invoice_lines_lump_sum', ['contract_id'], unique=True, sqlite_where=sa.text("kind = 'early_termination'"), postgresql_where=sa.text("kind = 'early_termination'"))

    op.create_table('payments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('method', sa.String(length=10), nullable=False),
    sa.Column('reference', sa.String(length=100), nullable=False),
    sa.Column('payer', sa.String(length=200), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('import_id', sa.Integer(), nullable=True),
    sa.Column('created_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("method IN ('transfer', 'card', 'other')", name=op.f('ck_payments_method')),
    sa.CheckConstraint("reference <> ''", name=op.f('ck_payments_reference')),
    sa.CheckConstraint('amount > 0', name=op.f('ck_payments_amount')),
    sa.ForeignKeyConstraint(['import_id'], ['payment_imports.id'], name=op.f('fk_payments_import_id_payment_imports')),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], name=op.f('fk_payments_invoice_id_invoices')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_payments_organization_id_organizations')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_payments_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payments')),
    sa.UniqueConstraint('method', 'reference', name=op.f('uq_payments_method_reference'))
    )
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payments_invoice_id'), ['invoice_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payments_organization_id'), ['organization_id'], unique=False)

    op.create_table('billed_months',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('month_start', sa.Date(), nullable=False),
    sa.Column('month_end', sa.Date(), nullable=False),
    sa.Column('fee', sa.Integer(), nullable=False),
    sa.Column('line_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], name=op.f('fk_billed_months_contract_id_contracts')),
    sa.ForeignKeyConstraint(['line_id'], ['invoice_lines.id'], name=op.f('fk_billed_months_line_id_invoice_lines')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_billed_months')),
    sa.UniqueConstraint('contract_id', 'month_start', name=op.f('uq_billed_months_contract_id_month_start'))
    )
    with op.batch_alter_table('billed_months', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_billed_months_line_id'), ['line_id'], unique=False)

    op.create_table('refunds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('credit_note_id', sa.Integer(), nullable=False),
    sa.Column('last_service_day', sa.Date(), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('created_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('amount >= 0', name=op.f('ck_refunds_amount')),
    sa.ForeignKeyConstraint(['credit_note_id'], ['invoices.id'], name=op.f('fk_refunds_credit_note_id_invoices')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_refunds_organization_id_organizations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_refunds')),
    sa.UniqueConstraint('credit_note_id', name=op.f('uq_refunds_credit_note_id'))
    )
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_refunds_organization_id'), ['organization_id'], unique=False)
    # ### end Alembic commands ###


def downgrade():
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_refunds_organization_id'))

    op.drop_table('refunds')
    # ### commands auto generated by Alembic - please adjust! ###
    with op.batch_alter_table('billed_months', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_billed_months_line_id'))

    op.drop_table('billed_months')
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payments_organization_id'))
        batch_op.drop_index(batch_op.f('ix_payments_invoice_id'))

    op.drop_table('payments')
    with op.batch_alter_table('invoice_lines', schema=None) as batch_op:
        batch_op.drop_index('uq_invoice_lines_lump_sum', sqlite_where=sa.text("kind = 'early_termination'"), postgresql_where=sa.text("kind = 'early_termination'"))
        batch_op.drop_index(batch_op.f('ix_invoice_lines_invoice_id'))
        batch_op.drop_index(batch_op.f('ix_invoice_lines_contract_id'))

    op.drop_table('invoice_lines')
    op.drop_table('payment_imports')
    with op.batch_alter_table('payment_demands', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payment_demands_organization_id'))
        batch_op.drop_index(batch_op.f('ix_payment_demands_invoice_id'))

    op.drop_table('payment_demands')
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invoices_refers_to_id'))
        batch_op.drop_index(batch_op.f('ix_invoices_organization_id'))

    op.drop_table('invoices')
    # ### end Alembic commands ###
    with op.batch_alter_table('plan_fee_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_fee_changes_plan_id'))

    op.drop_table('plan_fee_changes')
