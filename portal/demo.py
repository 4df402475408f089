"""Demo data for a fresh installation: one customer organization with an admin and a user,
one staff account, and an organization suspended by the provider and one consenting to AI
training (each with an admin). Passwords are random and returned so the command can print
them; so is the staff account's two-factor key (staff must use two-factor sign-in)."""
from __future__ import annotations

import secrets
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app

from portal.accounts.models import Organization, User
from portal.accounts.two_factor.services import new_secret as new_totp_secret
from portal.accounts.users.services import create_user
from portal.applications.demo import load_demo_application
from portal.billing.demo import load_demo_invoices
from portal.clock import now_utc, today_jst
from portal.contracts.demo import DEMO_ADDRESS, load_demo_contracts, load_price_list
from portal.extensions import db
from portal.oversight.demo import load_demo_oversight
from portal.terms.demo import load_demo_terms


@dataclass(frozen=True)
class Credential:
    role: str
    login_id: str
    password: str
    totp_secret: str = ""  # the staff account's two-factor key (staff must use it)


def database_is_empty() -> bool:
    return not db.session.scalar(sa.select(sa.func.count(User.id)))


def _password() -> str:
    # 4 groups of 4 characters from an unambiguous alphabet: easy to type, ~80 bits.
    alphabet = "abcdefghjkmnpqrstuvwxyzACDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(4))


def load_demo() -> list[Credential]:
    """Create the demo organization and accounts; the caller commits."""
    org = Organization(name="株式会社デモ商事", name_kana="カブシキガイシャデモショウジ",
                       representative_name="代表 一郎", country=DEMO_ADDRESS.country,
                       postal_code=DEMO_ADDRESS.postal_code, prefecture=DEMO_ADDRESS.prefecture,
                       address="千代田区丸の内1-1-1", phone=DEMO_ADDRESS.phone)
    db.session.add(org)
    # Two-factor sign-in is required for staff: the demo staff account has it on with a
    # random key, printed with the password (add it to an authenticator app).
    staff_secret = new_totp_secret()
    creds = [
        Credential("staff", "staff", _password(), staff_secret),
        Credential("admin", "demo-admin", _password()),
        Credential("user", "demo-user", _password()),
        Credential("admin (suspended organization)", "demo-suspended", _password()),
        Credential("admin (consents to AI training)", "demo-consenting", _password()),
    ]
    staff = create_user(
        login_id="staff", email="staff@portal.example.jp", password=creds[0].password,
        name="運用 太郎", is_staff=True,
    )
    staff.totp_secret = staff_secret
    staff.totp_enabled_at = now_utc()
    create_user(
        login_id="demo-admin", email="admin@demo-shoji.example.jp", password=creds[1].password,
        name="管理 花子", organization=org, role="admin",
    )
    create_user(
        login_id="demo-user", email="user@demo-shoji.example.jp", password=creds[2].password,
        name="利用 一郎", organization=org, role="user",
    )
    terms = load_demo_terms(current_app.config.get("DEMO_TERMS_FILE"))
    price_list = load_price_list()
    load_demo_contracts(org.id, price_list)
    load_demo_application(price_list, terms)
    load_demo_invoices(org.id, staff, today_jst())
    load_demo_oversight(staff, price_list, {c.login_id: c.password for c in creds[3:]})
    return creds
