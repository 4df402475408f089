"""Issue 14 §4: a guest link's password cannot be guessed in parallel.

Replays the attack (60 addresses × 1 guess, in sequence and at once) against the per-link
budget, checks that the recipient's browser, once in, is never kept out by the attack, and
that link passwords have at least 8 characters with a generated one on offer."""
from __future__ import annotations

import io
import re
import threading
from datetime import timedelta

import sqlalchemy as sa

from portal import clock
from portal.extensions import db
from portal.sharing import services
from portal.sharing.models import Delivery, GuestAccess, GuestLink

RIGHT = "correct-password"


def _setup(client, auth, sharing, password=RIGHT):
    auth.sign_in("user1")
    sharing.upload([(io.BytesIO(b"data"), "資料.pdf")])
    delivery = db.session.scalar(sa.select(Delivery))
    response, token = sharing.create_link(delivery.id, password=password)
    auth.sign_out()
    return response, token, delivery


def _guess(client, token, password, addr):
    html = client.get(f"/g/{token}", environ_base={"REMOTE_ADDR": addr}).get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    return client.post(f"/g/{token}/password", data={"csrf_token": csrf, "password": password},
                       environ_base={"REMOTE_ADDR": addr})


def _checked() -> int:
    return db.session.scalar(sa.select(sa.func.count(GuestAccess.id)).where(
        GuestAccess.kind == "password_failed"))


def test_sixty_addresses_cannot_make_more_guesses_than_the_budget(app, client, auth, sharing, org):
    _, token, _ = _setup(client, auth, sharing)
    codes = [_guess(app.test_client(), token, f"guess-{n:04d}", f"198.51.100.{n + 1}").status_code
             for n in range(60)]
    assert codes.count(400) == services.LINK_BUDGET  # checked and wrong
    assert codes.count(429) == 60 - services.LINK_BUDGET  # not checked at all
    assert _checked() == services.LINK_BUDGET
    # Even the right password from yet another unknown browser is not checked now.
    assert _guess(app.test_client(), token, RIGHT, "198.51.100.200").status_code == 429
    # The creator is told once.
    from portal.mail import OutboxMail
    assert db.session.scalar(sa.select(sa.func.count(OutboxMail.id)).where(
        OutboxMail.kind == "guest_link_attack")) == 1
    # The budget opens again after its window: the bound is LINK_BUDGET per hour.
    clock.set_frozen(clock.now_utc() + services.BUDGET_WINDOW + timedelta(seconds=1))
    assert _guess(app.test_client(), token, "another", "198.51.100.201").status_code == 400


def test_sixty_parallel_guesses_stay_within_the_budget(app, client, auth, sharing, org):
    _, token, _ = _setup(client, auth, sharing)
    link_id = db.session.scalar(sa.select(GuestLink.id))
    db.session.commit()
    barrier = threading.Barrier(60)
    results = []

    class Link:  # reserve_guess needs only the id; no connection is held at the barrier
        id = link_id

    def guesser(n):
        with app.app_context():
            barrier.wait()
            results.append(services.reserve_guess(Link, clock.now_utc()))
            db.session.commit()
            db.session.remove()

    workers = [threading.Thread(target=guesser, args=(n,)) for n in range(60)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert results.count(True) == services.LINK_BUDGET


def test_the_recipients_browser_once_in_is_never_throttled_by_others(app, client, auth, sharing, org):
    _, token, _ = _setup(client, auth, sharing)
    recipient = app.test_client()
    assert _guess(recipient, token, RIGHT, "192.0.2.50").status_code == 303
    for n in range(services.LINK_BUDGET + 5):
        _guess(app.test_client(), token, f"guess-{n:04d}", f"203.0.113.{n + 1}")
    # The recipient closes the browser (the session cookie goes, the device mark stays) …
    recipient.delete_cookie("portal_session")
    assert _guess(recipient, token, "typo-typo", "192.0.2.51").status_code == 400
    assert _guess(recipient, token, RIGHT, "192.0.2.51").status_code == 303
    assert "資料.pdf" in recipient.get(f"/g/{token}").get_data(as_text=True)


def test_a_forged_known_mark_spends_the_budget_like_anyone(app, client, auth, sharing, org):
    _, token, _ = _setup(client, auth, sharing)
    for n in range(services.LINK_BUDGET):
        _guess(app.test_client(), token, f"guess-{n:04d}", f"203.0.113.{n + 1}")
    forger = app.test_client()
    forger.set_cookie("portal_guest", "W10.forged")
    assert _guess(forger, token, RIGHT, "203.0.113.99").status_code == 429


def test_link_passwords_have_eight_characters_and_one_is_suggested(client, auth, sharing, org):
    response, token, delivery = _setup(client, auth, sharing, password="1234567")
    assert token is None and response.status_code == 400
    assert "8" in response.get_data(as_text=True)
    auth.sign_in("user1")
    html = client.get(f"/deliveries/{delivery.id}").get_data(as_text=True)
    suggestion = re.search(r"([A-Za-z2-9]{4}-[A-Za-z2-9]{4}-[A-Za-z2-9]{4}-[A-Za-z2-9]{4})", html)
    assert suggestion
    response, token = sharing.create_link(delivery.id, password=suggestion[1])
    assert token


def test_suggested_passwords_are_random_and_long():
    seen = {services.suggest_password() for _ in range(200)}
    assert len(seen) == 200
    assert all(len(p.replace("-", "")) == 16 for p in seen)
    assert not any(c in p for p in seen for c in "0O1lI")
