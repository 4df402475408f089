"""Demo price list (価格表) and the demo organization's contracts. Figures are invented for the
demo; they are not the provider's real prices."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from portal.contracts.models import Plan, Service
from portal.contracts.services import Residency, add_contract
from portal.extensions import db

GB = 10**9
TB = 10**12

SERVICES = [
    # code, name, japan_only, plans: (code, name, fee, minimum months, periods, users, storage, links)
    ("image_works", "IMAGE WORKS", False, [
        ("light", "ライト", 30_000, 12, (1, 12), 10, 100 * GB, 50),
        ("standard", "スタンダード", 60_000, 12, (1, 3, 6, 12), 50, 500 * GB, 200),
        ("premium", "プレミアム", 120_000, 12, (1, 3, 6, 12), 200, 2 * TB, 1000),
    ]),
    ("secure_deliver", "SECURE DELIVER", False, [
        ("basic", "ベーシック", 10_000, 6, (1, 6, 12), 20, 50 * GB, 100),
        ("business", "ビジネス", 25_000, 12, (1, 3, 6, 12), 100, 300 * GB, 500),
    ]),
    ("image_works_prus", "IMAGE WORKS PRus", True, [
        ("standard", "スタンダード", 80_000, 12, (1, 12), 30, 1 * TB, 300),
        ("enterprise", "エンタープライズ", 150_000, 12, (1, 3, 6, 12), 100, 3 * TB, 1000),
    ]),
]


def load_price_list() -> dict[str, Service]:
    """Add the three services and their plans (idempotent per service code)."""
    found: dict[str, Service] = {}
    for order, (code, name, japan_only, plans) in enumerate(SERVICES, start=1):
        service = db.session.scalar(sa.select(Service).where(Service.code == code))
        if service is None:
            service = Service(code=code, name=name, japan_only=japan_only, sort_order=order)
            db.session.add(service)
            for p_order, (p_code, p_name, fee, minimum, periods, users, storage, links) in enumerate(plans, 1):
                plan = Plan(
                    service=service, code=p_code, name=p_name, monthly_fee=fee,
                    minimum_months=minimum, max_users=users, max_storage_bytes=storage,
                    max_active_guest_links=links, sort_order=p_order,
                )
                plan.allowed_billing_periods = periods
                db.session.add(plan)
        found[code] = service
    db.session.flush()
    return found


DEMO_ADDRESS = Residency(country="JP", postal_code="100-0005", prefecture="東京都", phone="03-1234-5678")


def load_demo_contracts(organization_id: int, services: dict[str, Service]) -> None:
    """IMAGE WORKS Standard (monthly, direct) and SECURE DELIVER Business (paid yearly)."""
    plans = {s: {p.code: p for p in services[s].plans} for s in services}
    add_contract(organization_id, plans["image_works"]["standard"], usage_start=date(2025, 4, 1),
                 billing_period_months=1, residency_facts=DEMO_ADDRESS)
    add_contract(organization_id, plans["secure_deliver"]["business"], usage_start=date(2026, 1, 16),
                 billing_period_months=12, channel="reseller", partner_name="デモ販売株式会社",
                 residency_facts=DEMO_ADDRESS)
