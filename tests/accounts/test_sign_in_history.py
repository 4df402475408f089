"""The user's own sign-in history (/account/sessions) lists successes and refused attempts with
a status that says what happened — also attempts by someone else — and its number of SQL
statements does not grow with the history."""
from __future__ import annotations

import re

from tests.querycount import count_queries


def _history(html: str) -> list[str]:
    section = html.split('id="history-heading"', 1)[1]
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in
            re.findall(r'<td data-label="状態">(.*?)</td>', section, flags=re.S)]


def test_refused_attempts_are_listed_with_their_reason(app, client, auth, make, db):
    org = make.org()
    make.user(org, login_id="hist-user")
    make.contract(org)
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    from tests.conftest import AuthActions
    assert AuthActions(other).sign_in("hist-user", "wrong-password-123").status_code in (200, 401)
    auth.sign_in("hist-user")
    html = client.get("/account/sessions").get_data(as_text=True)
    statuses = _history(html)
    assert statuses[0] == "ログイン成功"
    assert "失敗：パスワードが正しくありません" in statuses
    assert "198.51.100.7" in html


def test_the_history_page_runs_the_same_statements_at_any_size(app, client, auth, make, db):
    org = make.org()
    make.user(org, login_id="hist-many")
    make.contract(org)
    auth.sign_in("hist-many")
    client.get("/account/sessions")
    with count_queries(db.engine) as few:
        client.get("/account/sessions")
    for _ in range(5):
        auth.sign_out()
        auth.sign_in("hist-many")
    with count_queries(db.engine) as many:
        assert client.get("/account/sessions").status_code == 200
    assert len(many) == len(few)
