"""Partner copies (§31(1)): the partner contact of a reseller/agent customer gets a copy of
the usage-start notice, the §10 notices (a fee change among them), payment demands, misuse
notifications and the lifecycle mails — each marked on the mail as a copy for the partner in
Japanese and English — while a direct customer's mail is never copied and no secret (sealed
link, login IDs of locked accounts, password-reset link) reaches the partner."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from portal import clock
from portal.accounts.misuse import services as misuse
from portal.accounts.models import Organization
from portal.applications.models import Application
from portal.billing import services as billing
from portal.contracts.partners import queue_partner_copies, set_partner_contact
from portal.domain import ClientInfo
from portal.extensions import db
from portal.lifecycle import services as lifecycle
from portal.mail import OutboxMail
from portal.notices.models import NoticeDeliveryMail
from tests.applications.conftest import catalog, form_data  # noqa: F401  (the fixture)
from tests.billing.helpers import issued

PARTNER = "sales@reseller.example.jp"
CLIENT = ClientInfo()


def _to(db, address, kind=None) -> list[OutboxMail]:
    query = sa.select(OutboxMail).where(OutboxMail.to_address == address).order_by(OutboxMail.id)
    if kind:
        query = query.where(OutboxMail.kind == kind)
    return list(db.session.scalars(query))


def _assert_marked_copy(mail: OutboxMail, partner_name: str, org_name: str) -> None:
    """The bilingual header, the 【写し】 subject, and nothing sealed."""
    assert mail.subject.startswith("【写し】")
    head = mail.body.split("\n\n", 1)[0]
    assert "【販売店様への写し】" in head and f"{partner_name} 様" in head and org_name in head
    assert "お控えくださいますよう" in head  # 敬語
    assert "[Copy for the partner]" in head and "Art. 31(1)" in head
    assert not mail.secret and mail.sealed_body is None


def _partner_org(make, name="株式会社パートナー顧客", channel="reseller", partner="販売店シー",
                 admin="p-admin", service="image_works"):
    org = make.org(name)
    make.user(org, role="admin", login_id=admin, email=f"{admin}@example.co.jp")
    contract = make.contract(org, service, channel=channel, partner_name=partner)
    set_partner_contact(contract, PARTNER)
    db.session.commit()
    return org, contract


# --- usage-start notice ------------------------------------------------------------------

def _apply_and_approve(client, auth, db, catalog, make, **form):  # noqa: F811
    make.staff(login_id="ops")
    clock.set_frozen(datetime(2026, 11, 25, 1, 0, tzinfo=timezone.utc))
    assert client.post("/apply", data=form_data(client, catalog, **form)).status_code == 302
    application = db.session.scalar(sa.select(Application))
    auth.sign_in("ops")
    path = f"/staff/applications/{application.id}"
    page = client.get(path).get_data(as_text=True)
    response = client.post(path + "/approve", data={
        "start_date": "2026-12-01", "partner_email": PARTNER, "reason": "審査完了", "csrf_token": auth.csrf_token(path)})
    assert response.status_code == 302
    return page, db.session.get(Application, application.id)


def test_the_usage_start_notice_is_copied_without_its_links(client, auth, db, catalog, make):  # noqa: F811
    page, application = _apply_and_approve(client, auth, db, catalog, make, channel="reseller",
                                           partner_name="販売店シー")
    assert "販売店の連絡先メールアドレス" in page  # the approval form asks staff for it
    (copy,) = _to(db, PARTNER)
    assert copy.kind == "usage_start_notice"
    _assert_marked_copy(copy, "販売店シー", "株式会社サンプル商事")
    assert "販売店シー 御中" in copy.body and "担当 花子 様" not in copy.body
    assert "利用開始通知" in copy.body and "2026年12月1日" in copy.body
    assert "/notification-addresses/confirm/" not in copy.body
    assert "お客様にのみお送りしております" in copy.body
    # The customer's own notice keeps its (sealed) link; the invitation is never copied.
    (own,) = _to(db, "hanako@sample.example.jp", "usage_start_notice")
    assert own.secret and "/notification-addresses/confirm/" in own.delivery_body()
    assert _to(db, PARTNER, "invitation") == []
    # Every contract of the application got the partner contact.
    org = db.session.get(Organization, application.organization_id)
    assert {lifecycle.partner_contact(c) for c in _contracts(db, org.id)} == {PARTNER}


def _contracts(db, org_id):
    from portal.contracts.models import Contract

    return db.session.scalars(sa.select(Contract).where(Contract.organization_id == org_id)).all()


def test_a_direct_application_gets_no_copy_even_with_an_address(client, auth, db, catalog, make):  # noqa: F811
    page, _application = _apply_and_approve(client, auth, db, catalog, make)
    assert "販売店の連絡先メールアドレス" not in page
    assert _to(db, PARTNER) == []


# --- §10 notices ---------------------------------------------------------------------------

@pytest.mark.parametrize("category, fields", [
    ("general", {}),
    ("fee_change", {"effective_date": date(2027, 3, 1)}),  # §8(1): at least 60 days ahead
])
def test_a_notice_is_copied_to_the_partner_of_a_partner_customer_only(app, db, make, category,
                                                                     fields):
    clock.set_frozen(datetime(2026, 12, 1, 1, 0, tzinfo=timezone.utc))
    org, _c = _partner_org(make)
    make.notification_address(org, "info@partner-customer.example.jp")
    direct = make.org("株式会社ダイレクト")
    make.contract(direct, "image_works")
    make.notification_address(direct, "info@direct.example.jp")
    make.notice(category=category, title_ja="料金改定のお知らせ", **fields)
    assert _to(db, PARTNER, "notice") == []  # the mail worker writes the copies
    assert make.fan_out() == 3
    (copy,) = _to(db, PARTNER, "notice")
    _assert_marked_copy(copy, "販売店シー", "株式会社パートナー顧客")
    assert "料金改定のお知らせ" in copy.subject and copy.organization_id == org.id
    # The customers' own mails are their §10(1) deliveries; the copy is not one.
    linked = db.session.scalars(sa.select(NoticeDeliveryMail.outbox_mail_id)).all()
    assert copy.id not in linked and len(linked) == 2
    assert len(_to(db, "info@direct.example.jp", "notice")) == 1


def test_a_service_notice_is_copied_only_by_the_partner_of_that_service(app, db, make):
    clock.set_frozen(datetime(2026, 12, 1, 1, 0, tzinfo=timezone.utc))
    org, _c = _partner_org(make)  # IMAGE WORKS through the partner
    make.contract(org, "secure_deliver")  # SECURE DELIVER direct
    make.notice(title_ja="SECURE DELIVER のお知らせ", audience="service",
                service_code="secure_deliver")
    make.fan_out()
    assert _to(db, PARTNER) == []
    make.notice(title_ja="IMAGE WORKS のお知らせ", audience="service", service_code="image_works")
    make.fan_out()
    assert len(_to(db, PARTNER, "notice")) == 1


def test_an_ended_partner_contract_gets_no_copy(app, db, make):
    clock.set_frozen(datetime(2026, 12, 1, 1, 0, tzinfo=timezone.utc))
    _org, contract = _partner_org(make)
    contract.status = "ended"
    db.session.commit()
    make.notice(title_ja="お知らせ")
    make.fan_out()
    assert _to(db, PARTNER) == []


# --- payment demands (§8, §15(1)①) ---------------------------------------------------------

def test_a_payment_demand_is_copied(app, db, make):
    org, _admin, contract, invoice = issued(make, channel="agent", partner_name="取次店ディー")
    set_partner_contact(contract, PARTNER)
    staff = make.staff(login_id="billing-ops")
    billing.send_demand(invoice, by=staff, today=invoice.due_date + timedelta(days=5))
    db.session.commit()
    (copy,) = _to(db, PARTNER, "billing_demand")
    _assert_marked_copy(copy, "取次店ディー", org.name)
    assert invoice.number in copy.body and "取次店ディー 御中" in copy.body


def test_a_direct_customers_demand_is_not_copied(app, db, make):
    _org, _admin, _contract, invoice = issued(make)
    billing.send_demand(invoice, by=make.staff(login_id="billing-ops"),
                        today=invoice.due_date + timedelta(days=5))
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count(OutboxMail.id)).where(
        OutboxMail.kind == "billing_demand")) == 1


# --- misuse notifications (§7(4)) ---------------------------------------------------------

def test_a_misuse_notification_is_copied_without_the_accounts_or_reset_links(app, db, make):
    org, _c = _partner_org(make)
    victim = make.user(org, login_id="taro-victim", email="taro@partner-customer.example.jp")
    admin = next(u for u in org_users(db, org.id) if u.role == "admin")
    misuse.submit_report(admin, [victim.id], "不審なログイン", CLIENT)
    db.session.commit()
    (copy,) = _to(db, PARTNER)
    assert copy.kind == "misuse_report_admin"
    _assert_marked_copy(copy, "販売店シー", org.name)
    assert "1 件をロック" in copy.body
    assert "taro-victim" not in copy.body  # which accounts: the customer only
    # The locked user's reset link and the staff mail are never copied.
    assert {m.kind for m in _to(db, PARTNER)} == {"misuse_report_admin"}
    own = _to(db, "p-admin@example.co.jp", "misuse_report_admin")
    assert own and "taro-victim" in own[0].body


def org_users(db, org_id):
    from portal.accounts.models import User

    return db.session.scalars(sa.select(User).where(User.organization_id == org_id)).all()


# --- lifecycle (§14) and the helper itself ------------------------------------------------

def test_lifecycle_mail_copies_carry_the_same_header(app, db, make):
    org, contract = _partner_org(make)
    admin = next(u for u in org_users(db, org.id) if u.role == "admin")
    lifecycle.give_notice(contract, "chosen", date(2026, 12, 31), by=admin,
                          today=date(2026, 11, 25))
    db.session.commit()
    (copy,) = _to(db, PARTNER, "cancellation_received")
    _assert_marked_copy(copy, "販売店シー", org.name)
    assert "販売店シー 御中" in copy.body


def test_secret_mail_is_never_copied(app, db, make):
    org, _c = _partner_org(make)
    with pytest.raises(ValueError):
        queue_partner_copies("invitation", "invitation", organization_id=org.id,
                             organization_name=org.name, secret_fields=("url",), url="x")
    assert _to(db, PARTNER) == []


def test_no_partner_mail_anywhere_holds_a_token(app, db, client, auth, catalog, make):  # noqa: F811
    """After an approval, a notice, a misuse report and a demand: no mail to the partner
    has a URL with a token of a customer's link (confirm, invitation, reset)."""
    _apply_and_approve(client, auth, db, catalog, make, channel="reseller", partner_name="販売店シー")
    org = db.session.scalar(sa.select(Organization))
    make.notice(title_ja="お知らせ")
    make.fan_out()
    for mail in _to(db, PARTNER):
        assert not re.search(r"/(confirm|invitations?|reset)[/\w-]*/[\w-]{16,}", mail.body), mail.body
    assert {m.kind for m in _to(db, PARTNER)} == {"usage_start_notice", "notice"}
    assert org is not None


# --- the provider's suspension, resumption and termination (other notices) -----------------

def test_suspension_resumption_and_termination_are_copied(app, db, make):
    from portal.oversight import services as oversight
    from portal.oversight.termination import terminate

    clock.set_frozen(datetime(2026, 12, 1, 1, 0, tzinfo=timezone.utc))
    org, _c = _partner_org(make)
    ops = make.staff(login_id="oversight-ops")
    oversight.suspend(org, "§15(1)", "お支払いの遅延", by=ops)
    oversight.resume(org, "お支払いを確認しました", by=ops)
    terminate(org, "①", "再三の催告後もお支払いがありません。", by=ops, today=date(2026, 12, 1))
    db.session.commit()
    copies = _to(db, PARTNER)
    assert [m.kind for m in copies] == ["oversight_suspend", "oversight_resume",
                                        "contract_ended", "oversight_terminate"]
    for mail in copies:
        _assert_marked_copy(mail, "販売店シー", org.name)
        assert "販売店シー 御中" in mail.body


def test_a_silent_suspension_is_not_copied_either(app, db, make):
    """§11(2)/§28(2) suspensions are not notified to the customer, so not to the partner."""
    from portal.oversight import services as oversight

    org, _c = _partner_org(make)
    oversight.suspend(org, "§28(2)", "反社会的勢力の疑い", by=make.staff(login_id="ops2"))
    db.session.commit()
    assert _to(db, PARTNER) == []
