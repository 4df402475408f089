"""Termination by the provider (解除, §15(1)): the ground and reason, every live contract ends
today, the written notice by mail (admins and confirmed notification addresses) and its record,
the termination page, guest links 410, the §14(5) deletion on the next daily run; a second
submit changes nothing."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from portal.contracts.models import Contract
from portal.daily import run_daily
from portal.extensions import db
from portal.lifecycle.models import ContractEnd, DataDeletion
from portal.mail import OutboxMail
from portal.oversight.models import ProviderAction
from tests.lifecycle.helpers import freeze
from tests.oversight.conftest import post, text


def _terminate(client, org_id, ground="①", reason="再三の催告後も利用料金のお支払いがありません。", confirm=True):
    data = {"ground": ground, "notice": reason}
    if confirm:
        data["confirm"] = "y"
    return post(client, f"/staff/organizations/{org_id}/terminate", data,
                f"/staff/organizations/{org_id}")


def test_termination_ends_the_contracts_notifies_and_deletes_the_data_next_day(
        client, auth, org, guest_token, staff, make):
    freeze(date(2026, 12, 1))
    make.notification_address(org, "keiri@example.co.jp")
    db.session.commit()
    auth.sign_in("ops1")
    response = _terminate(client, org.id)
    assert response.status_code == 302
    assert "契約を解除し（第15条(1)①）" in text(client.get(response.headers["Location"]))
    db.session.refresh(org)
    assert org.status == "terminated"
    [action] = db.session.scalars(sa.select(ProviderAction)).all()
    assert (action.kind, action.clause, action.ground, action.notice_owed) == ("terminate", "§15(1)", "①", True)
    assert {c.status for c in db.session.scalars(sa.select(Contract))} == {"ended"}
    assert {e.reason for e in db.session.scalars(sa.select(ContractEnd))} == {"termination"}
    notices = db.session.scalars(sa.select(OutboxMail).where(OutboxMail.kind == "oversight_terminate")).all()
    assert sorted(m.to_address for m in notices) == ["admin1@example.co.jp", "keiri@example.co.jp"]
    assert all("第15条(1)①" in m.body and "お支払いがありません" in m.body for m in notices)

    again = _terminate(client, org.id)  # a double submit
    assert "既に解除されています" in text(client.get(again.headers["Location"]))
    assert db.session.scalar(sa.select(sa.func.count(ProviderAction.id))) == 1
    auth.sign_out()

    assert client.get(f"/g/{guest_token}").status_code == 410
    auth.sign_in("user1")
    page = client.get("/deliveries")
    assert page.status_code == 403 and "契約は解除されました" in text(page)

    run_daily(date(2026, 12, 2))
    db.session.commit()
    assert db.session.scalar(sa.select(DataDeletion)).organization_id == org.id


def test_termination_needs_a_ground_a_reason_and_the_confirmation(client, auth, org, staff):
    auth.sign_in("ops1")
    assert _terminate(client, org.id, ground="⑩").status_code == 400
    assert _terminate(client, org.id, reason=" ").status_code == 400
    unconfirmed = _terminate(client, org.id, confirm=False)
    assert unconfirmed.status_code == 400 and "お支払いがありません" in text(unconfirmed)
    db.session.refresh(org)
    assert org.status == "active" and db.session.scalar(sa.select(ProviderAction)) is None


def test_a_suspended_organization_can_be_terminated_but_not_resumed_afterwards(client, auth, org, staff):
    from tests.oversight.conftest import resume, suspend
    auth.sign_in("ops1")
    suspend(client, org.id)
    assert _terminate(client, org.id, ground="③").status_code == 302
    after = resume(client, org.id)
    assert "利用停止中ではありません" in text(client.get(after.headers["Location"]))
    assert [a.kind for a in db.session.scalars(sa.select(ProviderAction).order_by(ProviderAction.id))] == [
        "suspend", "terminate"]


def test_customers_cannot_terminate(client, auth, org):
    auth.sign_in("admin1")
    token = auth.csrf_token("/account")
    response = client.post(f"/staff/organizations/{org.id}/terminate",
                           data={"csrf_token": token, "ground": "①", "notice": "x", "confirm": "y"})
    assert response.status_code == 403
    db.session.refresh(org)
    assert org.status == "active"
