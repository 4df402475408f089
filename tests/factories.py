"""Test data builders. They add and flush; tests that go through HTTP commit first."""
from __future__ import annotations

import itertools

from portal.accounts.models import Organization, User
from portal.accounts.users.services import create_user
from portal.extensions import db

PASSWORD = "correct-horse-battery-staple"
_seq = itertools.count(1)


def org(name: str | None = None, **fields) -> Organization:
    n = next(_seq)
    organization = Organization(name=name or f"テスト株式会社{n}", name_kana=f"テストカブシキガイシャ{n}", **fields)
    db.session.add(organization)
    db.session.flush()
    return organization


def user(organization: Organization, *, role: str = "user", login_id: str | None = None,
         password: str = PASSWORD, commit: bool = True, **fields) -> User:
    n = next(_seq)
    u = create_user(
        login_id=login_id or f"user{n}",
        email=fields.pop("email", f"user{n}@example.co.jp"),
        password=password,
        name=fields.pop("name", f"利用者 {n}"),
        organization=organization,
        role=role,
    )
    # A factory user has declared residence in Japan (§31(5)) as an invited user of a PRus
    # organization does; pass residence_declared_at=None for one who existed before PRus.
    fields.setdefault("residence_declared_at", u.created_at)
    for key, value in fields.items():
        setattr(u, key, value)
    if commit:
        db.session.commit()
    return u


# Every factory staff member has two-factor sign-in on with this secret (staff must, issue 13
# item 10); `AuthActions.sign_in` and the browser tests' sign-in enter its current code.
STAFF_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def staff(*, login_id: str | None = None, password: str = PASSWORD, commit: bool = True,
          two_factor: bool = True) -> User:
    """A staff member; with `two_factor=False` one who has not set up two-factor sign-in yet
    (who can reach nothing but the set-up page)."""
    n = next(_seq)
    u = create_user(
        login_id=login_id or f"staff{n}",
        email=f"staff{n}@portal.example.jp",
        password=password,
        name=f"運用 {n}",
        is_staff=True,
    )
    if two_factor:
        u.totp_secret = STAFF_TOTP_SECRET
        u.totp_enabled_at = u.created_at
    if commit:
        db.session.commit()
    return u


# --- contracts, terms, applications (onboarding) ---------------------------------------

def price_list():
    """The demo price list (three services and their plans); returns {code: Service}."""
    from portal.contracts.demo import load_price_list

    return load_price_list()


def contract(organization: Organization, service: str = "image_works", plan: str | None = None,
             *, start_date=None, commit: bool = True, **fields):
    """A live contract for `organization` (the demo plans; default the service's first plan).
    Quotas (§9(1)) need one: an organization without a contract can add no users."""
    from datetime import date

    from portal.contracts.demo import DEMO_ADDRESS
    from portal.contracts.services import add_contract

    services = price_list()
    plans = services[service].plans
    chosen = next(p for p in plans if p.code == plan) if plan else plans[0]
    c = add_contract(
        organization.id, chosen, usage_start=start_date or date(2026, 4, 1),
        billing_period_months=fields.pop("billing_period_months", 1),
        residency_facts=fields.pop("residency_facts", DEMO_ADDRESS), **fields,
    )
    if commit:
        db.session.commit()
    return c


def terms_version(version: str = "2024-12-02", effective_date=None, commit: bool = True):
    from datetime import date

    from portal.terms.models import TermsVersion

    v = TermsVersion(version=version, title="利用規約（テスト）", body="第1条（適用）\nテスト用の本文です。",
                     effective_date=effective_date or date(2024, 12, 2))
    db.session.add(v)
    db.session.flush()
    if commit:
        db.session.commit()
    return v


# --- notices ------------------------------------------------------------------------------

def notice(*, category: str = "general", title_ja: str = "お知らせ", body: str = "本文です。",
           staff_user: User | None = None, commit: bool = True, **fields):
    """A notice published through the service (now unless `publish_at` is given)."""
    from portal.notices.services import NoticeDraft, create_notice

    staff_user = staff_user or staff(commit=False)
    draft = NoticeDraft(category=category, title_ja=title_ja, source_ja=body, **fields)
    n, _ = create_notice(draft, staff=staff_user)
    if commit:
        db.session.commit()
    return n


def notification_address(organization: Organization, email: str, *, confirmed: bool = True,
                         commit: bool = True):
    """A notification address, confirmed by default (bypassing the link)."""
    from portal.clock import now_utc
    from portal.notices.models import NotificationAddress

    address = NotificationAddress(
        organization_id=organization.id, email=email,
        status="confirmed" if confirmed else "pending",
        confirmed_at=now_utc() if confirmed else None,
    )
    db.session.add(address)
    db.session.flush()
    if commit:
        db.session.commit()
    return address


def fan_out() -> int:
    """The mail worker's first step (`flask portal mail`): write the mail of published notices
    into the outbox, committing per batch; returns the number of mails written."""
    from portal.clock import now_utc
    from portal.notices.services.fanout import queue_pending_notice_mail

    return queue_pending_notice_mail(now_utc(), commit=db.session.commit)
