"""Fault reports: an organization with an admin, a user and a contract, another organization,
and a staff member; the clock frozen on 2026-12-01 10:00 JST."""
from __future__ import annotations

from datetime import date

import pytest

from tests.lifecycle.helpers import freeze, setup_org

TODAY = date(2026, 12, 1)


@pytest.fixture
def people(app, make, db):
    freeze(TODAY)
    org, admin, contract = setup_org(make, login_id="fr-admin", name="株式会社エフアール")
    user = make.user(org, login_id="fr-user", email="fr-user@example.co.jp", name="報告 太郎")
    colleague = make.user(org, login_id="fr-colleague", email="fr-colleague@example.co.jp")
    other_org, other_admin, _ = setup_org(make, login_id="fr-other", name="株式会社ベツ")
    staff = make.staff(login_id="fr-staff")
    db.session.commit()
    return {"org": org, "admin": admin, "user": user, "colleague": colleague,
            "contract": contract, "other_admin": other_admin, "staff": staff}
