"""§14(5) end to end: the daily job (`flask portal tick`) deletes the registered data of an
organization whose last contract ended — real uploaded files on disk, deliveries, the links'
access logs (links stay as tombstones answering 410) — records it once, keeps the accounts,
and leaves every other organization's files alone."""
from __future__ import annotations

import io
from datetime import date

import pytest
import sqlalchemy as sa

from portal.accounts.models import AuditEvent, Organization, User
from portal.daily import DailyRun
from portal.lifecycle import services
from portal.lifecycle.models import ContractEnd, DataDeletion
from portal.sharing.models import Delivery, GuestAccess, GuestLink, StoredFile
from tests.lifecycle.helpers import freeze
from tests.sharing.conftest import Sharing


@pytest.fixture(autouse=True)
def storage_dir(app, tmp_path):
    previous = app.config["STORAGE_DIR"]
    app.config["STORAGE_DIR"] = str(tmp_path / "storage")
    try:
        yield tmp_path / "storage"
    finally:
        app.config["STORAGE_DIR"] = previous


def _stored(storage_dir):
    return sorted(p for p in storage_dir.rglob("*") if p.is_file() and p.parent.name != "tmp")


def _count(db, model, *where):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def _snapshot(db, storage_dir):
    counts = {m.__name__: _count(db, m) for m in (
        Delivery, StoredFile, GuestLink, GuestAccess, DataDeletion, ContractEnd, User,
        Organization)}
    counts["audit_deleted"] = _count(db, AuditEvent, AuditEvent.event == "registered_data_deleted")
    counts["files_on_disk"] = [p.name for p in _stored(storage_dir)]
    return counts


def test_tick_deletes_the_files_of_an_ended_organization_once(app, db, make, client, auth,
                                                              storage_dir):
    freeze(date(2026, 11, 25))
    sharing = Sharing(client, auth)
    gone = make.org("株式会社おわり")
    admin = make.user(gone, role="admin", login_id="end-admin", email="end-admin@example.co.jp")
    make.user(gone, login_id="end-user", email="end-user@example.co.jp")
    contract = make.contract(gone, "secure_deliver", start_date=date(2026, 4, 1))
    stays = make.org("株式会社つづく")
    make.contract(stays, "secure_deliver", start_date=date(2026, 4, 1))
    make.user(stays, role="admin", login_id="stay-admin")

    auth.sign_in("stay-admin")
    assert sharing.upload([(io.BytesIO(b"kept"), "残る資料.txt")]).status_code == 303
    auth.sign_out()
    kept = [p.name for p in _stored(storage_dir)]
    assert len(kept) == 1

    auth.sign_in("end-admin")
    assert sharing.upload([(io.BytesIO(b"%PDF mitsumori"), "見積書.pdf"),
                           (io.BytesIO(b"hello"), "readme.txt")]).status_code == 303
    assert sharing.upload([(io.BytesIO(b"DWG"), "図面.dwg")], subject="図面").status_code == 303
    delivery_id = db.session.scalar(sa.select(Delivery.id).where(
        Delivery.organization_id == gone.id).order_by(Delivery.id))
    _response, token = sharing.create_link(delivery_id)
    assert token
    auth.sign_out()
    assert client.get(f"/g/{token}").status_code == 200  # one access log entry
    assert len(_stored(storage_dir)) == 4
    own_keys = set(db.session.scalars(sa.select(StoredFile.storage_key).where(
        StoredFile.organization_id == gone.id)))

    services.give_notice(contract, "chosen", date(2026, 12, 25), by=admin,
                         today=date(2026, 11, 25))
    db.session.commit()

    runner = app.test_cli_runner()
    last = runner.invoke(args=["portal", "tick", "--date", "2026-12-25"])
    assert last.exit_code == 0, last.output
    db.session.expire_all()
    assert len(_stored(storage_dir)) == 4  # the last day of use: everything is still there

    result = runner.invoke(args=["portal", "tick", "--date", "2026-12-26"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()

    # The files are gone from disk; the other organization's file is untouched.
    on_disk = [p.name for p in _stored(storage_dir)]
    assert on_disk == kept
    assert not own_keys & set(on_disk)
    # Rows: deliveries and files deleted, access log deleted, links kept as tombstones.
    assert _count(db, Delivery, Delivery.organization_id == gone.id) == 0
    assert _count(db, StoredFile, StoredFile.organization_id == gone.id) == 0
    link = db.session.scalar(sa.select(GuestLink).where(GuestLink.organization_id == gone.id))
    assert (link.delivery_id, link.password_hash, link.suspend_reason) == (None, None,
                                                                           "data_deleted")
    assert _count(db, GuestAccess, GuestAccess.link_id == link.id) == 0
    assert client.get(f"/g/{token}").status_code == 410
    assert _count(db, Delivery, Delivery.organization_id == stays.id) == 1
    # Recorded: DataDeletion with the sharing summary and an audit event.
    deletion = db.session.scalar(sa.select(DataDeletion))
    assert (deletion.organization_id, deletion.day) == (gone.id, date(2026, 12, 26))
    assert deletion.summary == ("deleted: 2 deliveries, 3 files, 1 guest links, "
                                "1 access log entries")
    audit = db.session.scalar(sa.select(AuditEvent).where(
        AuditEvent.event == "registered_data_deleted"))
    assert audit.details["organization_id"] == gone.id
    assert audit.details["clause"] == "§14(5)"
    assert audit.details["summary"].startswith("deleted: 2 deliveries, 3 files")
    # The accounts remain (only registered data is deleted).
    assert db.session.get(Organization, gone.id) is not None
    assert sorted(db.session.scalars(sa.select(User.login_id).where(
        User.organization_id == gone.id))) == ["end-admin", "end-user"]
    assert db.session.get(type(contract), contract.id).status == "ended"

    # A second run changes nothing: not through the registry, nor the steps themselves.
    before = _snapshot(db, storage_dir)
    again = runner.invoke(args=["portal", "tick", "--date", "2026-12-26"])
    assert again.exit_code == 0 and "lifecycle_" not in again.output
    db.session.execute(sa.delete(DailyRun).where(DailyRun.task == "lifecycle_data_deletion"))
    db.session.commit()
    replay = runner.invoke(args=["portal", "tick", "--date", "2026-12-27"])
    assert replay.exit_code == 0, replay.output
    db.session.expire_all()
    assert _snapshot(db, storage_dir) == before
    assert _count(db, DataDeletion) == 1


def test_a_rollback_keeps_every_file(app, db, make, client, auth, storage_dir):
    """The stored files are removed only after the deletion commits."""
    freeze(date(2026, 11, 25))
    org = make.org("株式会社もどす")
    make.user(org, role="admin", login_id="rb-admin")
    make.contract(org, "secure_deliver", start_date=date(2026, 4, 1))
    auth.sign_in("rb-admin")
    assert Sharing(client, auth).upload([(io.BytesIO(b"x"), "資料.txt")]).status_code == 303
    assert services.delete_registered_data(org.id).startswith("deleted: 1 deliveries, 1 files")
    db.session.rollback()
    assert len(_stored(storage_dir)) == 1
    assert _count(db, StoredFile, StoredFile.organization_id == org.id) == 1
