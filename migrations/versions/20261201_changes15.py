"""changes15: the start date (起算日, §5(4)) and other changes of the application (§14(1))

- services.start_rule: the price list's 起算日 rule per service ('usage_start' for every
  existing service: what the portal did until now).
- contracts.usage_start_date (利用開始日, §5(1)), filled with the existing start_date (until now
  the two were one day), and contracts.start_rule ('usage_start').
- contract_start_overrides: 起算日 set by a quote or contract (見積書等の別段の定め), append-only.
- change_requests: adding a service and changing the billing period (§14(1)).

Downgrade drops all of it (the overrides and change requests with it; a contract keeps the
start_date an override gave it).

Revision ID: changes15_0001
Revises: security_0001
Create Date: 2026-12-01 12:00:00
"""
from alembic import op
import sqlalchemy as sa

import portal.db


revision = "changes15_0001"
down_revision = "bounces_0001"
branch_labels = None
depends_on = None

RULES = "start_rule IN ('usage_start', 'month_start')"
OPEN = "status IN ('requested', 'agreed')"


def upgrade():
    with op.batch_alter_table("services", schema=None) as batch_op:
        batch_op.add_column(sa.Column("start_rule", sa.String(length=20),
                                      server_default="usage_start", nullable=False))
        batch_op.create_check_constraint("start_rule", RULES)
    with op.batch_alter_table("contracts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("usage_start_date", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("start_rule", sa.String(length=20),
                                      server_default="usage_start", nullable=False))
    contracts = sa.table("contracts", sa.column("start_date", sa.Date),
                         sa.column("usage_start_date", sa.Date))
    op.get_bind().execute(contracts.update().values(usage_start_date=contracts.c.start_date))
    with op.batch_alter_table("contracts", schema=None) as batch_op:
        batch_op.alter_column("usage_start_date", existing_type=sa.Date(), nullable=False)
        batch_op.create_check_constraint("start_after_usage", "start_date >= usage_start_date")
        batch_op.create_check_constraint("start_rule", RULES)

    op.create_table(
        "contract_start_overrides",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("previous_start", sa.Date(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("document_type", sa.String(length=10), nullable=False),
        sa.Column("document_number", sa.String(length=100), nullable=False),
        sa.Column("document_date", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), server_default="", nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", portal.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("document_type IN ('quote', 'contract', 'other')",
                           name=op.f("ck_contract_start_overrides_document_type")),
        sa.CheckConstraint("document_number <> ''",
                           name=op.f("ck_contract_start_overrides_document_number")),
        sa.CheckConstraint("start_date <> previous_start",
                           name=op.f("ck_contract_start_overrides_changed")),
        sa.ForeignKeyConstraint(["contract_id"], ["contracts.id"],
                                name=op.f("fk_contract_start_overrides_contract_id_contracts")),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"],
                                name=op.f("fk_contract_start_overrides_created_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract_start_overrides")),
    )
    op.create_index(op.f("ix_contract_start_overrides_contract_id"), "contract_start_overrides",
                    ["contract_id"], unique=False)

    op.create_table(
        "change_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=15), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=True),
        sa.Column("service_id", sa.Integer(), nullable=True),
        sa.Column("plan_id", sa.Integer(), nullable=True),
        sa.Column("from_period", sa.Integer(), nullable=True),
        sa.Column("billing_period_months", sa.Integer(), nullable=False),
        sa.Column("request_date", sa.Date(), nullable=False),
        sa.Column("desired_date", sa.Date(), nullable=False),
        sa.Column("effective_date", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=False),
        sa.Column("requested_at", portal.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", portal.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("refusal_reason", sa.Text(), nullable=False),
        sa.Column("withdrawn_at", portal.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("applied_at", portal.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("result_contract_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("kind IN ('add_service', 'billing_period')",
                           name=op.f("ck_change_requests_kind")),
        sa.CheckConstraint(
            "status IN ('requested', 'agreed', 'refused', 'withdrawn', 'applied', 'failed')",
            name=op.f("ck_change_requests_status")),
        sa.CheckConstraint(
            "kind <> 'add_service' OR (service_id IS NOT NULL AND plan_id IS NOT NULL)",
            name=op.f("ck_change_requests_add_service")),
        sa.CheckConstraint(
            "kind <> 'billing_period' OR (contract_id IS NOT NULL AND from_period IS NOT NULL "
            "AND from_period <> billing_period_months)",
            name=op.f("ck_change_requests_billing_period_change")),
        sa.CheckConstraint("billing_period_months IN (1, 3, 6, 12)",
                           name=op.f("ck_change_requests_billing_period")),
        sa.CheckConstraint("status NOT IN ('agreed', 'applied') OR effective_date IS NOT NULL",
                           name=op.f("ck_change_requests_effective")),
        sa.CheckConstraint("status NOT IN ('refused', 'failed') OR refusal_reason <> ''",
                           name=op.f("ck_change_requests_refusal_reason")),
        sa.ForeignKeyConstraint(["contract_id"], ["contracts.id"],
                                name=op.f("fk_change_requests_contract_id_contracts")),
        sa.ForeignKeyConstraint(["decided_by_id"], ["users.id"],
                                name=op.f("fk_change_requests_decided_by_id_users")),
        sa.ForeignKeyConstraint(["organization_id"], ["organizations.id"],
                                name=op.f("fk_change_requests_organization_id_organizations")),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"],
                                name=op.f("fk_change_requests_plan_id_plans")),
        sa.ForeignKeyConstraint(["requested_by_id"], ["users.id"],
                                name=op.f("fk_change_requests_requested_by_id_users")),
        sa.ForeignKeyConstraint(["result_contract_id"], ["contracts.id"],
                                name=op.f("fk_change_requests_result_contract_id_contracts")),
        sa.ForeignKeyConstraint(["service_id"], ["services.id"],
                                name=op.f("fk_change_requests_service_id_services")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_requests")),
    )
    op.create_index(op.f("ix_change_requests_contract_id"), "change_requests", ["contract_id"],
                    unique=False)
    op.create_index(op.f("ix_change_requests_organization_id"), "change_requests",
                    ["organization_id"], unique=False)
    service_open = f"kind = 'add_service' AND {OPEN}"
    period_open = f"kind = 'billing_period' AND {OPEN}"
    op.create_index("uq_change_requests_open_service", "change_requests",
                    ["organization_id", "service_id"], unique=True,
                    sqlite_where=sa.text(service_open), postgresql_where=sa.text(service_open))
    op.create_index("uq_change_requests_open_period", "change_requests", ["contract_id"],
                    unique=True, sqlite_where=sa.text(period_open),
                    postgresql_where=sa.text(period_open))


def downgrade():
    op.drop_index("uq_change_requests_open_period", table_name="change_requests")
    op.drop_index("uq_change_requests_open_service", table_name="change_requests")
    op.drop_index(op.f("ix_change_requests_organization_id"), table_name="change_requests")
    op.drop_index(op.f("ix_change_requests_contract_id"), table_name="change_requests")
    op.drop_table("change_requests")
    op.drop_index(op.f("ix_contract_start_overrides_contract_id"),
                  table_name="contract_start_overrides")
    op.drop_table("contract_start_overrides")
    with op.batch_alter_table("contracts", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_contracts_start_rule"), type_="check")
        batch_op.drop_constraint(op.f("ck_contracts_start_after_usage"), type_="check")
        batch_op.drop_column("start_rule")
        batch_op.drop_column("usage_start_date")
    with op.batch_alter_table("services", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_services_start_rule"), type_="check")
        batch_op.drop_column("start_rule")
