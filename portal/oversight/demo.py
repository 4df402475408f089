"""Demo data of the provider's powers: an organization suspended under §9(2) (its admin sees
the suspension page, its guest links answer 410) and one consenting to AI training (§24(6)).
The main demo organization is left as it is."""
from __future__ import annotations

from datetime import date

from portal.accounts.models import Organization, User
from portal.accounts.users.services import create_user
from portal.contracts.demo import DEMO_ADDRESS
from portal.contracts.services import add_contract
from portal.extensions import db
from portal.oversight import services


def _organization(name: str, kana: str, login_id: str, email: str, password: str,
                  plan) -> tuple[Organization, User]:
    org = Organization(name=name, name_kana=kana, representative_name="代表 次郎",
                       country=DEMO_ADDRESS.country, postal_code=DEMO_ADDRESS.postal_code,
                       prefecture=DEMO_ADDRESS.prefecture, address="千代田区大手町2-2-2",
                       phone=DEMO_ADDRESS.phone)
    db.session.add(org)
    db.session.flush()
    add_contract(org.id, plan, usage_start=date(2025, 10, 1), billing_period_months=1,
                 residency_facts=DEMO_ADDRESS)
    admin = create_user(login_id=login_id, email=email, password=password, name="管理 二郎",
                        organization=org, role="admin")
    return org, admin


def load_demo_oversight(staff: User, price_list, passwords: dict[str, str]) -> None:
    """`passwords` maps the two admins' login IDs (demo-suspended, demo-consenting) to theirs."""
    plan = price_list["secure_deliver"].plans[0]
    suspended, _ = _organization("株式会社停止例", "カブシキガイシャテイシレイ", "demo-suspended",
                                 "admin@teishi.example.jp", passwords["demo-suspended"], plan)
    services.suspend(suspended, "§9(2)",
                     "大量の自動アップロードにより設備に過度の負荷が生じており、是正のご依頼後も改善されていないため。",
                     by=staff)
    consenting, admin = _organization("株式会社同意例", "カブシキガイシャドウイレイ", "demo-consenting",
                                      "admin@doui.example.jp", passwords["demo-consenting"], plan)
    services.set_ai_training_consent(consenting.id, True, by=admin)
