"""Staff reach no registered content without a live support grant — by any route (§24(1)(2)).

Two independent checks:

1. Every view function of the app that can stream bytes (send_file, Response(...), a zip, a
   stream) is in BYTE_ROUTES, which says who each one serves. A new streaming route fails
   here until someone decides who may use it.
2. Signed in as staff, every GET route of the url_map is requested with the IDs of a real
   file, delivery, guest link, grant and outbox mail (and the guest token): with no grant, an
   expired grant, a revoked grant and a live one. The file's bytes appear only from
   `staff.support_file` under the live grant, the delivery's subject and message only on the
   live grant's two pages; nowhere else (the outbox included: mail quoting them is sealed).
"""
from __future__ import annotations

import inspect
import io
import itertools
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal import clock
from portal.extensions import db
from portal.mail import OutboxMail
from portal.oversight.models import SupportGrant
from portal.sharing.models import Delivery, GuestLink

CONTENT = b"REGISTERED-FILE-BYTES-7f3a9c"
SUBJECT = "極秘の件名XYZ"
MESSAGE = "極秘のメッセージ本文QRS"
NOTE = "ゲストへの極秘メモUVW"

BYTE_ROUTES = {
    "sharing.own_file": "the file's own organization (creator or admin)",
    "sharing.archive": "the organization's admins (zip of every file)",
    "guest.guest_file": "whoever holds the guest link (never signed-in staff)",
    "guest.guest_zip": "whoever holds the guest link (never signed-in staff)",
    "staff.support_file": "staff, only under a live support grant of the file's organization",
    "billing.invoice_pdf": "the organization's admins (an invoice, no registered data)",
    "staff.billing_invoice_pdf": "staff (an invoice, no registered data)",
    "staff.statistics_csv": "staff (aggregates, §24(3))",
    "static": "everyone (the portal's own assets)",
}
STREAMING = re.compile(r"\b(send_file|send_stored_file|send_from_directory|zip_response|"
                       r"zip_stream|stream_with_context|Response\(|direct_passthrough|"
                       r"X-Accel-Redirect)")


def test_every_streaming_view_is_known(app):
    streaming = set()
    for endpoint, view in app.view_functions.items():
        source = inspect.getsource(inspect.unwrap(view))
        if STREAMING.search(source):
            streaming.add(endpoint)
    assert streaming <= set(BYTE_ROUTES), f"decide who may use {streaming - set(BYTE_ROUTES)}"
    assert set(BYTE_ROUTES) <= set(app.view_functions)
    # The sharing area's own routes answer staff 404 before any of them runs.
    assert {e for e in streaming if e.startswith(("sharing.", "guest."))} == {
        "sharing.own_file", "sharing.archive", "guest.guest_file", "guest.guest_zip"}


@pytest.fixture
def world(app, client, auth, org, sharing, staff):
    """A delivery with secret subject, message and bytes; a guest link that mails its creator
    on download (downloaded once) and was mailed to a guest with a note; staff ops1."""
    auth.sign_in("user1")
    sharing.upload([(io.BytesIO(CONTENT), "機密.pdf")], subject=SUBJECT, message=MESSAGE)
    delivery = db.session.scalar(sa.select(Delivery))
    response, token = sharing.create_link(delivery.id, notify="y")
    link = db.session.scalar(sa.select(GuestLink))
    mailed = client.post(f"/links/{link.id}/email", data={
        "csrf_token": auth.csrf_token("/links"), "token": token,
        "email": "guest@partner.example.jp", "note": NOTE})
    assert mailed.status_code == 302
    auth.sign_out()
    guest = app.test_client()
    got = guest.get(f"/g/{token}/files/{delivery.files[0].id}")
    assert got.data == CONTENT  # the ids and the token are real: a guest gets the bytes
    got.close()
    kinds = set(db.session.scalars(sa.select(OutboxMail.kind)))
    assert {"guest_link", "guest_download"} <= kinds
    admin = org.users[0] if org.users[0].is_admin else org.users[1]
    return {"delivery": delivery, "file": delivery.files[0], "link": link, "token": token,
            "admin": admin}


def _grant(org, admin, state: str) -> int:
    now = clock.now_utc()
    if state == "none":
        return 999999
    grant = SupportGrant(organization_id=org.id, case_reference=f"case-{state}",
                         granted_by_id=admin.id, granted_at=now - timedelta(hours=2),
                         expires_at=now + timedelta(hours=1) if state != "expired"
                         else now - timedelta(hours=1))
    if state == "revoked":
        grant.revoked_at, grant.revoked_by_id = now - timedelta(minutes=5), admin.id
    db.session.add(grant)
    db.session.commit()
    return grant.id


def _urls(app, values: dict[str, list]):
    """(endpoint, url) for every GET route, its arguments filled from `values`."""
    adapter = app.url_map.bind("portal.test")
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods:
            continue
        names = sorted(rule.arguments)
        for combo in itertools.product(*(values.get(n, [1]) for n in names)):
            yield rule.endpoint, adapter.build(rule.endpoint, dict(zip(names, combo, strict=True)))


@pytest.mark.parametrize("state", ["none", "expired", "revoked", "live"])
def test_staff_reach_no_content_without_a_live_grant_by_any_route(app, client, auth, org, world,
                                                                   state):
    grant_id = _grant(org, world["admin"], state)
    auth.sign_in("ops1")
    values = {
        "org_id": [org.id], "organization_id": [org.id], "delivery_id": [world["delivery"].id],
        "file_id": [world["file"].id], "link_id": [world["link"].id], "grant_id": [grant_id],
        "mail_id": list(db.session.scalars(sa.select(OutboxMail.id))),
        "user_id": [u.id for u in org.users], "token": [world["token"]], "code": ["ja"],
        "version": ["2024-12-02"], "filename": ["css/app.css"],
    }
    content_from, subject_on, requested = set(), set(), 0
    for endpoint, url in _urls(app, values):
        if endpoint in ("accounts.sign_out",):
            continue
        response = client.get(url)
        body = response.get_data()
        response.close()
        requested += 1
        if CONTENT in body:
            content_from.add(endpoint)
        text = body.decode("utf-8", "replace")
        if SUBJECT in text or MESSAGE in text or NOTE in text:
            subject_on.add(endpoint)
    assert requested > 60
    if state == "live":
        assert content_from == {"staff.support_file"}
        assert subject_on == {"staff.support_grant", "staff.support_delivery"}
    else:
        assert content_from == set(), content_from
        assert subject_on == set(), subject_on
