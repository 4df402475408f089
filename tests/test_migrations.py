"""The migrations are the schema: upgrading an empty database through every migration gives
exactly the models' schema (no missing migration), and every migration downgrades."""
from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade

from portal.extensions import db, migrate


def _diff():
    with db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "render_as_batch": True}
        )
        return compare_metadata(context, db.metadata)


def test_migrated_schema_matches_the_models(app):
    assert _diff() == []


def test_one_head_and_date_prefixed_files(app):
    config = migrate.get_config()
    script = ScriptDirectory.from_config(config)
    assert len(script.get_heads()) == 1
    for rev in script.walk_revisions():
        name = rev.path.rsplit("/", 1)[-1]
        assert name[:8].isdigit() and name[8] == "_", name


def test_every_migration_downgrades_and_upgrades_again(app):
    downgrade(revision="base")
    with db.engine.connect() as conn:
        remaining = set(sa.inspect(conn).get_table_names()) - {"alembic_version"}
    assert remaining == set()
    upgrade()
    assert _diff() == []


def test_the_organization_address_migration_copies_the_approved_application(app):
    """org_address_0001 moves the registered address onto the organization (forward), and
    drops only the new country column (backward); it runs on SQLite and PostgreSQL."""
    downgrade(revision="sharing_0001")
    with db.engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO terms_versions (version, title, body, effective_date, published_at) "
            "VALUES ('2024-12-02', 't', 'b', '2024-12-02', '2024-11-01 00:00:00')"))
        terms_id = conn.execute(sa.text("SELECT id FROM terms_versions")).scalar()
        conn.execute(sa.text(
            "INSERT INTO organizations (name, name_kana, status, created_at, require_two_factor, "
            "representative_name, postal_code, prefecture, address, phone) VALUES "
            "('株式会社移行', 'イコウ', 'active', '2026-11-01 00:00:00', false, '', '', '', '', ''),"
            "('株式会社既存', 'キゾン', 'active', '2026-11-01 00:00:00', false, '', '530-0001', "
            "'大阪府', '大阪市北区梅田1-1', '06-1234-5678')"))
        orgs = dict(conn.execute(sa.text("SELECT name, id FROM organizations")).all())
        for org_name, city in (("株式会社移行", "千代田区"), ("株式会社既存", "港区")):
            conn.execute(sa.text(
                "INSERT INTO applications (reference, form_nonce, status, company_name, "
                "company_name_kana, representative_name, country, postal_code, prefecture, city, "
                "address_line1, address_line2, phone, contact_name, contact_email, channel, "
                "partner_name, trial, billing_period_months, locale, terms_version_id, "
                "submitted_at, applied_on, rejection_reason, organization_id, start_date) VALUES "
                "(:ref, :nonce, 'approved', :name, 'カナ', '代表 太郎', 'JP', '100-0005', '東京都', "
                ":city, '丸の内1-1-1', 'ビル5階', '03-1234-5678', '担当', 'a@example.co.jp', "
                "'direct', '', false, 1, 'ja', :terms, '2026-11-01 00:00:00', '2026-11-01', '', :org, '2026-11-02')"),
                {"ref": f"APP-{orgs[org_name]}", "nonce": f"nonce{orgs[org_name]}" * 3,
                 "name": org_name, "city": city, "terms": terms_id, "org": orgs[org_name]})
    upgrade()
    with db.engine.connect() as conn:
        rows = {r.name: r for r in conn.execute(sa.text(
            "SELECT name, country, postal_code, prefecture, address, phone, representative_name "
            "FROM organizations"))}
    moved, kept = rows["株式会社移行"], rows["株式会社既存"]
    assert (moved.country, moved.postal_code, moved.prefecture, moved.address, moved.phone,
            moved.representative_name) == ("JP", "100-0005", "東京都", "千代田区 丸の内1-1-1 ビル5階",
                                           "03-1234-5678", "代表 太郎")
    # An organization whose admins already keep an address is not overwritten.
    assert (kept.postal_code, kept.address) == ("530-0001", "大阪市北区梅田1-1")
    downgrade(revision="sharing_0001")
    with db.engine.connect() as conn:
        columns = {c["name"] for c in sa.inspect(conn).get_columns("organizations")}
        assert "country" not in columns and "postal_code" in columns
    upgrade()
    assert _diff() == []
