"""organization address: the registered address lives on the organization

The organization already had postal code, prefecture, address and phone (changed at once by
its admins, §7(2)), but the §31(5) Japan-only check read the approved application instead, and
approval never filled them. This adds the country and copies, for every organization whose
contact fields are all empty, the address of its latest approved application (country, postal
code, prefecture, city + address lines, phone, and the representative when empty).
Applications keep what was applied for.

Downgrade drops the country column; the copied contact fields stay (they were empty before,
and they are the same values the application holds).

Revision ID: org_address_0001
Revises: sharing_0001
Create Date: 2026-12-01 10:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = "org_address_0001"
down_revision = "sharing_0001"
branch_labels = None
depends_on = None

organizations = sa.table(
    "organizations",
    sa.column("id", sa.Integer), sa.column("country", sa.String), sa.column("postal_code", sa.String),
    sa.column("prefecture", sa.String), sa.column("address", sa.String), sa.column("phone", sa.String),
    sa.column("representative_name", sa.String),
)
applications = sa.table(
    "applications",
    sa.column("id", sa.Integer), sa.column("organization_id", sa.Integer), sa.column("status", sa.String),
    sa.column("country", sa.String), sa.column("postal_code", sa.String), sa.column("prefecture", sa.String),
    sa.column("city", sa.String), sa.column("address_line1", sa.String), sa.column("address_line2", sa.String),
    sa.column("phone", sa.String), sa.column("representative_name", sa.String),
)


def upgrade():
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("country", sa.String(length=2), server_default="JP", nullable=False))

    conn = op.get_bind()
    latest = (
        sa.select(applications.c.organization_id, sa.func.max(applications.c.id).label("id"))
        .where(applications.c.status == "approved", applications.c.organization_id.is_not(None))
        .group_by(applications.c.organization_id)
        .subquery()
    )
    rows = conn.execute(
        sa.select(applications).join(latest, latest.c.id == applications.c.id)
    ).mappings().all()
    for app in rows:
        org = conn.execute(
            sa.select(organizations).where(organizations.c.id == app["organization_id"])
        ).mappings().first()
        if org is None or any(org[f] for f in ("postal_code", "prefecture", "address", "phone")):
            continue
        address = " ".join(p for p in (app["city"], app["address_line1"], app["address_line2"]) if p)
        conn.execute(
            organizations.update().where(organizations.c.id == org["id"]).values(
                country=app["country"] or "JP", postal_code=app["postal_code"] or "",
                prefecture=app["prefecture"] or "", address=address[:300], phone=app["phone"] or "",
                representative_name=org["representative_name"] or app["representative_name"] or "",
            )
        )


def downgrade():
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.drop_column("country")
