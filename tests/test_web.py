"""The helpers every view shares (portal/web.py): one transaction per POST, errors next to
their fields, one answer per role guard, and absolute links for mail against BASE_URL."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import get_flashed_messages
from flask_wtf import FlaskForm
from wtforms import StringField

from portal.accounts.models import Organization
from portal.domain import DomainError
from portal.web import external_url, transaction

ROOT = Path(__file__).resolve().parent.parent


class _Error(DomainError):
    describe = staticmethod(lambda exc: f"refused: {exc.code} ({exc.clause})")


class _Form(FlaskForm):
    class Meta:
        csrf = False

    name = StringField()


def _count(db) -> int:
    return db.session.scalar(sa.select(sa.func.count(Organization.id)))


def test_a_successful_block_commits_once(app, db):
    with app.test_request_context():
        with transaction() as done:
            db.session.add(Organization(name="株式会社成功", name_kana="セイコウ"))
        assert done and done.error is None
    db.session.rollback()  # nothing pending: the row was committed
    assert _count(db) == 1


def test_a_refusal_rolls_back_and_lands_on_its_field(app, db):
    with app.test_request_context(method="POST", data={"name": "x"}):
        form = _Form()
        with transaction(form, field="name") as done:
            db.session.add(Organization(name="株式会社失敗", name_kana="シッパイ"))
            db.session.flush()
            raise _Error("too_early", "§14(1)", field="name")
        assert not done and done.error.code == "too_early"
        assert form.name.errors == ["refused: too_early (§14(1))"]
        assert get_flashed_messages() == []
    assert _count(db) == 0


def test_a_refusal_without_a_field_is_flashed_and_other_errors_pass_through(app, db):
    with app.test_request_context():
        with transaction() as done:
            raise _Error("not_now", "§5(2)")
        assert not done
        assert get_flashed_messages(with_categories=True) == [("error", "refused: not_now (§5(2))")]
        with pytest.raises(ZeroDivisionError), transaction():
            1 / 0


@pytest.mark.parametrize("base, expected", [
    ("http://127.0.0.1:23150", "http://127.0.0.1:23150/invitations/abc"),
    ("https://portal.example.jp/", "https://portal.example.jp/invitations/abc"),
    ("https://example.jp/portal", "https://example.jp/portal/invitations/abc"),
])
def test_mail_links_follow_the_configured_base_url(app, base, expected):
    app.config["BASE_URL"] = base
    assert external_url("accounts.accept_invitation", token="abc") == expected
    with app.test_request_context(base_url="http://other.invalid/"):
        assert external_url("accounts.accept_invitation", token="abc") == expected


def test_no_mail_link_is_built_by_hand():
    """Every absolute link comes from external_url: no BASE_URL + literal path anywhere."""
    offenders = []
    for path in list((ROOT / "portal").rglob("*.py")) + list((ROOT / "templates").rglob("*")):
        if path.is_dir() or path.name in ("web.py", "config.py") or "__pycache__" in path.parts:
            continue
        if re.search(r"BASE_URL", path.read_text(encoding="utf-8", errors="ignore")):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


@pytest.mark.parametrize("path", ["/contracts", "/users", "/staff/", "/staff/price-list"])
def test_role_guards_send_anonymous_visitors_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_role_guards_answer_403_for_a_role_the_user_lacks(client, auth, make):
    org = make.org()
    make.user(org, login_id="plain-user")
    make.contract(org)
    auth.sign_in("plain-user")
    assert client.get("/contracts").status_code == 403
    assert client.get("/staff/").status_code == 403
