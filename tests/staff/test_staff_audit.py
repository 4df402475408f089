"""The staff audit (issue 13 item 10): every state-changing staff POST is declared `@audited`
and records who, when, what and why in the same transaction as the change; an empty reason
changes nothing; staff read the audit at /staff/audit (filters, pager, bounded statements)."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
import sqlalchemy as sa

from portal import clock
from portal.extensions import db as _db
from portal.mail import OutboxMail
from portal.oversight.models import RecommendedBrowser
from portal.staff_audit import StaffAction, spec_of
from tests.helpers import csrf_token
from tests.querycount import count_queries

NOW = datetime(2026, 12, 9, 1, 0, tzinfo=timezone.utc)


def _staff_post_endpoints(app) -> list[str]:
    return sorted({rule.endpoint for rule in app.url_map.iter_rules()
                   if rule.endpoint.startswith("staff.") and "POST" in rule.methods})


def test_every_staff_post_route_is_audited(app):
    """Walks the url_map: a staff page that accepts POST must say where its reason is."""
    endpoints = _staff_post_endpoints(app)
    assert len(endpoints) >= 28  # the console's state-changing pages as of issue 13
    missing = [e for e in endpoints if spec_of(e) is None]
    assert not missing, f"staff POST routes without @audited: {missing}"
    for endpoint in endpoints:
        assert spec_of(endpoint).reason and all(spec_of(endpoint).reason), endpoint


def _post(client, path, data, token_path):
    return client.post(path, data=dict(data, csrf_token=csrf_token(client, token_path)))


def _actions() -> list[StaffAction]:
    return list(_db.session.scalars(sa.select(StaffAction).order_by(StaffAction.id)))


@pytest.fixture
def ops(make):
    clock.set_frozen(NOW)
    return make.staff(login_id="ops")


def test_an_action_records_who_when_what_why_and_the_organization(client, auth, make, ops):
    org = make.org()
    auth.sign_in("ops")
    path = f"/staff/organizations/{org.id}"
    data = {"clause": "§9(2)", "reason": "過負荷が続いています。"}
    response = _post(client, path + "/suspend", data, path)
    assert response.status_code == 302
    [action] = _actions()
    assert (action.staff_user_id, action.action, action.organization_id, action.reason) == (
        ops.id, "staff.organization_suspend", org.id, "過負荷が続いています。")
    assert action.occurred_at == NOW and action.target == {"org_id": org.id}
    # A double submit is refused by the service ("already suspended"): still one record.
    again = _post(client, path + "/suspend", data, path)
    assert again.status_code == 302 and len(_actions()) == 1


def test_the_organization_is_inferred_from_the_rows_written(client, auth, make, db, ops):
    """A cancellation confirm names a notice, not an organization: the audit finds it."""
    org = make.org()
    auth.sign_in("ops")
    _post(client, "/staff/outbox/test", {"to_address": "ops@example.co.jp", "reason": "SMTP確認"},
          "/staff/outbox")
    [action] = _actions()
    assert action.action == "staff.outbox_test" and action.organization_id is None
    admin = make.user(org, role="admin", login_id="inf-admin")
    admin.locked = True
    db.session.commit()
    response = _post(client, f"/staff/accounts/users/{admin.id}/unlock", {"reason": "本人確認済み"},
                     "/staff/accounts/misuse-reports")
    assert response.status_code == 302
    assert _actions()[-1].organization_id == org.id


def test_an_empty_reason_changes_nothing(client, auth, make, db, ops):
    auth.sign_in("ops")
    browsers = _db.session.scalar(sa.select(sa.func.count(RecommendedBrowser.id)))
    # A form with the standard reason field: refused next to it, input kept.
    refused = _post(client, "/staff/recommended-browsers",
                    {"family": "edge", "name": "Microsoft Edge", "min_version": "", "systems": "",
                     "sort_order": "1", "reason": "  "}, "/staff/recommended-browsers")
    assert refused.status_code == 400
    assert "操作の理由を入力してください。" in refused.get_data(as_text=True)
    assert _db.session.scalar(sa.select(sa.func.count(RecommendedBrowser.id))) == browsers
    # A plain button (no form fields): the audit itself refuses, the change is rolled back.
    org = make.org()
    user = make.user(org, role="admin", login_id="locked-admin")
    user.locked = True
    db.session.commit()
    response = _post(client, f"/staff/accounts/users/{user.id}/unlock", {},
                     "/staff/accounts/misuse-reports")
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.locked
    assert not db.session.scalar(sa.select(OutboxMail).where(OutboxMail.kind == "password_reset"))
    assert _actions() == []
    follow = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "この操作の理由を入力してください" in follow


def test_an_undeclared_staff_post_is_refused_and_writes_nothing(app, client, auth, ops,
                                                                monkeypatch):
    view = app.view_functions["staff.outbox_test"]
    monkeypatch.delattr(view, "staff_audit")
    auth.sign_in("ops")
    token = csrf_token(client, "/staff/outbox")
    with pytest.raises(RuntimeError, match="not declared @audited"):
        client.post("/staff/outbox/test", data={"to_address": "ops@example.co.jp",
                                                "reason": "x", "csrf_token": token})
    assert _db.session.scalar(sa.select(sa.func.count(OutboxMail.id))) == 0


def test_customers_posting_nothing_to_staff_is_403_and_not_audited(client, auth, make):
    org = make.org()
    make.user(org, role="admin", login_id="cust")
    auth.sign_in("cust")
    assert client.get("/staff/audit").status_code == 403
    token = csrf_token(client, "/account")
    response = client.post("/staff/outbox/test", data={"to_address": "a@example.co.jp",
                                                       "reason": "x", "csrf_token": token})
    assert response.status_code == 403
    assert _actions() == []


def _seed_actions(db, staff, org, n: int):
    for i in range(n):
        db.session.add(StaffAction(
            occurred_at=NOW, staff_user_id=staff.id, action="staff.plan_edit",
            target={"plan_id": i}, organization_id=org.id if i % 2 else None, reason=f"理由{i}"))
    db.session.commit()


def test_the_audit_page_lists_and_filters(client, auth, make, db, ops):
    other = make.staff(login_id="ops2")
    org = make.org(name="株式会社フィルタ")
    _seed_actions(db, ops, org, 3)
    _seed_actions(db, other, org, 2)
    auth.sign_in("ops")
    page = client.get("/staff/audit").get_data(as_text=True)
    assert "5件のスタッフ操作" in page and "プランの変更" in page and "理由0" in page
    mine = client.get(f"/staff/audit?staff={other.id}").get_data(as_text=True)
    assert "2件のスタッフ操作" in mine and "理由0" in mine and "理由2" not in mine
    theirs = client.get(f"/staff/audit?organization={org.id}").get_data(as_text=True)
    assert "2件のスタッフ操作" in theirs and "株式会社フィルタ" in theirs
    both = client.get(f"/staff/audit?staff={ops.id}&organization={org.id}").get_data(as_text=True)
    assert "1件のスタッフ操作" in both


def test_the_audit_page_paginates_and_runs_the_same_statements_at_any_size(app, client, auth,
                                                                            make, db, ops):
    org = make.org()
    _seed_actions(db, ops, org, 6)
    auth.sign_in("ops")
    client.get("/staff/audit")
    with count_queries(db.engine) as small:
        assert client.get("/staff/audit").status_code == 200
    for n in range(9):
        make.staff(login_id=f"more{n}")
        _seed_actions(db, ops, make.org(), 6)
    with count_queries(db.engine) as large:
        html = client.get("/staff/audit").get_data(as_text=True)
    assert len(large) == len(small)
    assert 'rel="next"' in html and "60件のスタッフ操作" in html
    assert "理由" in client.get("/staff/audit?page=2").get_data(as_text=True)
