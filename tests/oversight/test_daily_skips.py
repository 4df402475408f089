"""The daily job skips what a suspended organization would trigger: no reminders are mailed
and none of its registered data is deleted; after resumption the job does both again."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from portal.daily import run_daily
from portal.extensions import db
from portal.lifecycle import services as lifecycle
from portal.lifecycle.models import ContractEnd, DataDeletion
from portal.oversight import services
from tests.lifecycle.helpers import freeze, setup_org


def test_no_reminders_to_a_suspended_organization(make):
    freeze(date(2026, 11, 25))
    org, admin, _contract = setup_org(make)
    ops = make.staff()
    services.suspend(org, "§9(2)", "過負荷", by=ops)
    db.session.commit()
    assert lifecycle.send_reminders(date(2027, 2, 15)) == 0  # the renewal reminder's day
    services.resume(org, "是正済み", by=ops)
    db.session.commit()
    assert lifecycle.send_reminders(date(2027, 2, 15)) == 1


def test_a_suspended_organizations_data_is_not_deleted_until_it_is_resumed(make):
    freeze(date(2026, 11, 25))
    org, admin, contract = setup_org(make)
    ops = make.staff()
    lifecycle.give_notice(contract, "chosen", date(2026, 12, 25), by=admin, today=date(2026, 11, 25))
    services.suspend(org, "§15(1)", "支払遅延", by=ops)
    db.session.commit()
    run_daily(date(2026, 12, 26))
    db.session.commit()
    assert db.session.scalar(sa.select(ContractEnd)) is not None  # the contract still ends
    assert db.session.scalar(sa.select(DataDeletion)) is None
    services.resume(org, "入金確認", by=ops)
    db.session.commit()
    run_daily(date(2026, 12, 27))
    db.session.commit()
    assert db.session.scalar(sa.select(DataDeletion)).organization_id == org.id
