"""§24(6) AI-training consent: off by default, each change logged with who and when, a double
submit logs one change, staff see the flag and list only consenting organizations."""
from __future__ import annotations

import re

import sqlalchemy as sa

from portal.extensions import db
from portal.oversight.models import AiTrainingConsentChange
from tests.oversight.conftest import post, text


def _set(client, on: bool):
    data = {"consented": "y"} if on else {}
    return post(client, "/organization/ai-training", data, "/organization/ai-training")


def test_consent_is_off_by_default_and_every_change_is_logged(client, auth, org, make):
    auth.sign_in("admin1")
    page = text(client.get("/organization/ai-training"))
    assert "現在の設定：</strong> 同意しない" in page
    assert 'checked' not in page.split('name="consented"')[1][:80]
    assert _set(client, True).status_code == 302
    again = _set(client, True)  # a double submit
    assert again.status_code == 400 and "既に同意済み" in text(again)
    assert _set(client, False).status_code == 302
    rows = db.session.scalars(sa.select(AiTrainingConsentChange).order_by(AiTrainingConsentChange.id)).all()
    assert [r.consented for r in rows] == [True, False]
    assert all(r.by.login_id == "admin1" and r.created_at for r in rows)
    log = text(client.get("/organization/ai-training"))
    name = rows[0].by.name
    assert log.count(f"<td>{name}</td>") == 2  # who changed it, on each row
    assert "現在の設定：</strong> 同意しない" in log


def test_staff_list_only_consenting_organizations_and_see_the_flag(client, auth, org, make):
    other = make.org("株式会社同意しない")
    make.user(other, role="admin", login_id="admin-x")
    auth.sign_in("admin1")
    _set(client, True)
    auth.sign_out()
    auth.sign_in("admin-x")
    _set(client, True)
    _set(client, False)
    auth.sign_out()
    make.staff(login_id="ops1")
    auth.sign_in("ops1")
    listing = text(client.get("/staff/ai-training-consents"))
    assert "株式会社サンプル" in listing and "株式会社同意しない" not in listing
    assert "1組織" in listing
    detail = text(client.get(f"/staff/organizations/{org.id}"))
    # The clause citation is a link to the terms: compare without it.
    assert "AI学習（第24条(6)）</dt><dd>同意する</dd>" in re.sub(r"</?a[^>]*>", "", detail)
