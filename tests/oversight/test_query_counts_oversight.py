"""The oversight list pages run the same number of statements at 1× and 10× data."""
from __future__ import annotations

from portal.extensions import db
from portal.oversight import services
from tests.querycount import count_queries


def _statements(client, path):
    with count_queries(db.engine) as statements:
        assert client.get(path).status_code == 200
    return len(statements)


def _actions(org, ops, n):
    for _ in range(n):
        services.suspend(org, "§9(2)", "理由", by=ops)
        services.resume(org, "再開", by=ops)
    db.session.commit()


def _consenting_orgs(make, n, prefix):
    for i in range(n):
        org = make.org(f"{prefix}{i}")
        admin = make.user(org, role="admin", login_id=f"{prefix}-{i}")
        services.set_ai_training_consent(org.id, True, by=admin)
        services.set_ai_training_consent(org.id, False, by=admin)
        services.set_ai_training_consent(org.id, True, by=admin)
    db.session.commit()


def test_provider_actions_and_staff_pages_are_bounded(client, auth, make):
    org = make.org("株式会社カウント")
    make.user(org, role="admin", login_id="adm")
    ops = make.staff(login_id="ops")
    _actions(org, ops, 1)
    _consenting_orgs(make, 1, "one")
    auth.sign_in("adm")
    client.get("/organization/provider-actions")
    once = _statements(client, "/organization/provider-actions")
    consent_once = _statements(client, "/organization/ai-training")
    auth.sign_out()
    auth.sign_in("ops")
    client.get("/staff/ai-training-consents")
    list_once = _statements(client, "/staff/ai-training-consents")
    detail_once = _statements(client, f"/staff/organizations/{org.id}")
    _actions(org, ops, 9)
    _consenting_orgs(make, 9, "ten")
    for i in range(9):
        services.set_ai_training_consent(org.id, i % 2 == 0, by=ops)
    db.session.commit()
    assert _statements(client, "/staff/ai-training-consents") == list_once
    assert _statements(client, f"/staff/organizations/{org.id}") == detail_once
    auth.sign_out()
    auth.sign_in("adm")
    assert _statements(client, "/organization/provider-actions") == once
    assert _statements(client, "/organization/ai-training") == consent_once


def test_the_suspension_gate_reads_the_status_loaded_with_the_session(client, auth, make):
    """Every signed-in request checks the organization's status; it comes with the session
    row (one joined query), not from a statement of its own."""
    org = make.org("株式会社ゲート")
    make.user(org, role="admin", login_id="gate-admin")
    make.contract(org)
    auth.sign_in("gate-admin")
    client.get("/account")
    with count_queries(db.engine) as statements:
        assert client.get("/account").status_code == 200
    lookups = [s for s in statements if "FROM user_sessions" in s]
    assert lookups and "organizations" in lookups[0]
    assert not [s for s in statements
                if s.lstrip().startswith("SELECT organizations.status")]
