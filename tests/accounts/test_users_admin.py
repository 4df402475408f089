"""The users page for customer admins: search, role changes, deactivation and reactivation,
a forced password reset, and the rule that an organization keeps one active admin."""
from __future__ import annotations

import sqlalchemy as sa

from portal.accounts.models import User, UserSession
from tests.accounts.conftest import outbox, post_form


def _act(client, auth, user_id, action, **extra):
    """The admin action as confirmed (deactivation asks first; see the test below)."""
    return post_form(client, auth, f"/users/{user_id}", {"action": action, "confirmed": "1", **extra})


def test_deactivation_asks_first_and_changes_nothing(client, auth, db, make, org, admin):
    taro = make.user(org, login_id="taro", name="山田 太郎")
    auth.sign_in("admin1")
    response = post_form(client, auth, f"/users/{taro.id}", {"action": "deactivate"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "taro を無効にしますか？" in page
    assert "ログインできなくなり" in page
    db.session.refresh(taro)
    assert taro.active
    assert _act(client, auth, taro.id, "deactivate").status_code == 302
    db.session.refresh(taro)
    assert not taro.active


def test_search_by_name_login_id_and_email(client, auth, make, org, admin):
    make.user(org, login_id="sato", name="佐藤 一郎", email="ichiro@example.co.jp")
    make.user(org, login_id="suzuki", name="鈴木 次郎", email="jiro@example.co.jp")
    auth.sign_in("admin1")
    for q, found, hidden in (("佐藤", "sato", "suzuki"), ("suzu", "suzuki", "sato"), ("ichiro@", "sato", "suzuki")):
        page = client.get("/users", query_string={"q": q}).get_data(as_text=True)
        assert f">{found}<" in page and f">{hidden}<" not in page, q


def test_search_treats_percent_literally(client, auth, make, org, admin):
    make.user(org, login_id="plain")
    auth.sign_in("admin1")
    page = client.get("/users", query_string={"q": "%"}).get_data(as_text=True)
    assert ">plain<" not in page


def test_role_change_and_the_last_admin(client, auth, db, make, org, admin):
    user = make.user(org, login_id="taro")
    auth.sign_in("admin1")
    # The only admin cannot demote themselves.
    response = _act(client, auth, admin.id, "role", role="user")
    assert response.status_code == 302
    assert "少なくとも1名必要" in client.get(f"/users/{admin.id}").get_data(as_text=True)
    db.session.refresh(admin)
    assert admin.role == "admin"
    # With a second admin it works.
    _act(client, auth, user.id, "role", role="admin")
    db.session.refresh(user)
    assert user.role == "admin"
    _act(client, auth, admin.id, "role", role="user")
    db.session.refresh(admin)
    assert admin.role == "user"


def test_deactivating_the_last_other_admin_is_refused(client, auth, db, make, org, admin):
    second = make.user(org, role="admin", login_id="admin2")
    make.user(org, role="admin", login_id="admin3", locked=True)  # a locked admin does not count
    auth.sign_in("admin1")
    _act(client, auth, second.id, "deactivate")
    db.session.refresh(second)
    assert second.active is False
    # admin1 is now the only active admin; demoting admin1 must fail.
    _act(client, auth, admin.id, "role", role="user")
    db.session.refresh(admin)
    assert admin.role == "admin"


def test_admin_cannot_deactivate_themselves(client, auth, db, org, admin):
    auth.sign_in("admin1")
    _act(client, auth, admin.id, "deactivate")
    db.session.refresh(admin)
    assert admin.active is True


def test_deactivation_ends_sessions_and_reactivation_restores_sign_in(app, client, auth, db, make, org, admin):
    make.user(org, login_id="taro")
    other = app.test_client()
    from tests.conftest import AuthActions

    AuthActions(other).sign_in("taro")
    assert other.get("/").status_code == 200
    taro = db.session.scalar(sa.select(User).where(User.login_id == "taro"))
    auth.sign_in("admin1")
    _act(client, auth, taro.id, "deactivate")
    assert other.get("/").status_code == 302
    assert AuthActions(other).sign_in("taro").status_code == 401
    _act(client, auth, taro.id, "reactivate")
    assert AuthActions(other).sign_in("taro").status_code == 302


def test_force_password_reset(app, client, auth, db, make, org, admin):
    taro = make.user(org, login_id="taro")
    auth.sign_in("admin1")
    _act(client, auth, taro.id, "force_reset")
    db.session.refresh(taro)
    assert taro.password_reset_required is True
    [mail] = outbox(db, "password_reset", to=taro.email)
    assert "管理者" in mail.body
    assert db.session.scalar(sa.select(sa.func.count(UserSession.id)).where(
        UserSession.user_id == taro.id, UserSession.ended_at.is_(None))) == 0
    from tests.conftest import AuthActions

    response = AuthActions(app.test_client()).sign_in("taro")
    assert response.status_code == 401
    assert "新しいパスワードの設定が必要です" in response.get_data(as_text=True)


def test_user_actions_on_another_organization_answer_404(client, auth, db, make, org, admin):
    other = make.org("株式会社ビー")
    foreign = make.user(other, role="admin", login_id="admin-b")
    auth.sign_in("admin1")
    for action in ("role", "deactivate", "reactivate", "force_reset", "unlock"):
        assert _act(client, auth, foreign.id, action, role="user").status_code == 404, action
    db.session.refresh(foreign)
    assert foreign.role == "admin" and foreign.active and not foreign.password_reset_required


def test_non_admins_cannot_act(client, auth, db, make, org, admin):
    make.user(org, login_id="taro")
    auth.sign_in("taro")
    response = client.post(f"/users/{admin.id}", data={"action": "deactivate", "csrf_token": auth.csrf_token("/account")})
    assert response.status_code == 403
    assert client.post("/users/invitations", data={"csrf_token": auth.csrf_token("/account")}).status_code == 403
    assert client.post("/users/two-factor", data={"csrf_token": auth.csrf_token("/account"), "target": "on"}).status_code == 403
