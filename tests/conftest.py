"""Shared fixtures: one migrated database per test session, emptied after every test.

The database is SQLite in a temporary file, or PostgreSQL when PORTAL_TEST_DATABASE_URL is
set (CI runs the suite on both). The schema is built by running every Alembic migration,
never by `create_all()`, so the tests exercise the migrations the portal ships.
"""
from __future__ import annotations

import email
import email.policy
import os
import socket
import threading

import pytest
import sqlalchemy as sa
from flask import has_app_context
from flask.testing import FlaskClient

from portal import clock, create_app
from portal.extensions import db as _db
from portal.extensions import limiter
from tests import factories
from tests.helpers import csrf_token, staff_code


# The two-node tests start PostgreSQL, Redis, nginx and two servers: `make test-cluster`.
collect_ignore = [] if os.environ.get("PORTAL_CLUSTER_TESTS") else ["cluster"]


def _database_url(tmp_path_factory) -> str:
    url = os.environ.get("PORTAL_TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'portal-test.db'}"


def reset_schema(engine: sa.Engine) -> None:
    """Drop every table (and Alembic's version table) so migrations start from nothing."""
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
    else:
        meta = sa.MetaData()
        meta.reflect(engine)
        meta.drop_all(engine)


class IsolatedClient(FlaskClient):
    """A test client whose requests run in their own thread, hence their own application
    context, as in production. (Flask reuses an already pushed app context for a test
    request, which would share `g`, the database session and the signed-in user between
    requests.) The test's own session is committed before and expired after each request,
    so the test sees what the request wrote."""

    def open(self, *args, **kwargs):
        if has_app_context():
            _db.session.commit()
        outcome: dict = {}

        def run():
            try:
                outcome["response"] = FlaskClient.open(self, *args, **kwargs)
            except BaseException as exc:  # re-raised in the test's thread
                outcome["error"] = exc

        worker = threading.Thread(target=run)
        worker.start()
        worker.join()
        if has_app_context():
            _db.session.expire_all()
        if "error" in outcome:
            raise outcome["error"]
        return outcome["response"]


@pytest.fixture(scope="session")
def _app(tmp_path_factory):
    from flask_migrate import upgrade

    url = _database_url(tmp_path_factory)
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=url,
        SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True},
        BASE_URL="http://portal.test",
        DEMO_TERMS_FILE="",  # the sample terms: tests of the provider's file set it themselves
    )
    app.test_client_class = IsolatedClient
    with app.app_context():
        reset_schema(_db.engine)
        upgrade(revision="heads")
    yield app
    with app.app_context():
        _db.engine.dispose()


def _empty_tables(app) -> None:
    with app.app_context():
        _db.session.remove()
        with _db.engine.begin() as conn:
            for table in reversed(_db.metadata.sorted_tables):
                conn.execute(table.delete())


@pytest.fixture
def app(_app):
    """The app, with an application context pushed; every table is emptied afterwards."""
    ctx = _app.app_context()
    ctx.push()
    try:
        yield _app
    finally:
        _db.session.remove()
        ctx.pop()
        clock.set_frozen(None)
        limiter.reset()
        _empty_tables(_app)


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make(app):
    """Factories bound to the test database: make.org(), make.user(org), make.staff()."""
    return factories


class AuthActions:
    """Sign in and out through the real form (flaskr's `auth` helper)."""

    def __init__(self, client):
        self.client = client

    def csrf_token(self, path: str = "/sign-in") -> str:
        return csrf_token(self.client, path)

    def sign_in(self, login_id: str, password: str = factories.PASSWORD, *,
                second_factor: bool = True, **extra):
        """Post the sign-in form. A staff member (two-factor sign-in is required for staff)
        is taken through the code step too, and the code step's response returned, unless
        `second_factor=False` (then the password step's response, to test that step)."""
        data = {"login_id": login_id, "password": password, "csrf_token": self.csrf_token()}
        data.update(extra)
        response = self.client.post("/sign-in", data=data)
        if second_factor and response.headers.get("Location") == "/sign-in/code":
            code = staff_code(login_id)
            if code is not None:
                token = csrf_token(self.client, "/sign-in/code")
                return self.client.post("/sign-in/code", data={"code": code, "csrf_token": token})
        return response

    def sign_out(self):
        token = self.csrf_token("/account")
        return self.client.post("/sign-out", data={"csrf_token": token})


@pytest.fixture
def auth(client):
    return AuthActions(client)


class Recorder:
    def __init__(self):
        self.messages = []
        self.senders = []  # the envelope sender (MAIL FROM) of each message, in order

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("reject"):
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.senders.append(envelope.mail_from)
        self.messages.append(
            (envelope.rcpt_tos, email.message_from_bytes(envelope.content, policy=email.policy.default))
        )
        return "250 Message accepted"


@pytest.fixture
def smtp(app):
    """A real SMTP server (aiosmtpd) on loopback; MAIL_URL points at it during the test.
    Yields the recorder: `.messages` is a list of (recipients, EmailMessage), `.senders` the
    MAIL FROM of each. Recipients
    starting with "reject" are refused with 550."""
    from aiosmtpd.controller import Controller

    recorder = Recorder()
    port = free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    app.config["MAIL_URL"] = f"smtp://127.0.0.1:{port}"
    try:
        yield recorder
    finally:
        app.config["MAIL_URL"] = ""
        controller.stop()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
