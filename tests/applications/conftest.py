"""Helpers for the application tests: the demo price list and terms, and a valid form."""
from __future__ import annotations

import re

import pytest


@pytest.fixture
def catalog(make):
    services = make.price_list()
    make.terms_version()
    return {code: {p.code: p for p in s.plans} for code, s in services.items()}


def form_data(client, catalog, **overrides) -> dict:
    """A complete, valid application (IMAGE WORKS Standard + PRus Standard, Tokyo)."""
    html = client.get("/apply").get_data(as_text=True)
    hidden = dict(re.findall(r'<input id="(csrf_token|form_nonce|terms_version)" name="\1" type="hidden" value="([^"]*)"', html))
    data = {
        "csrf_token": hidden["csrf_token"],
        "form_nonce": hidden["form_nonce"],
        "terms_version": hidden["terms_version"],
        "company_name": "株式会社サンプル商事",
        "company_name_kana": "カブシキガイシャ サンプルショウジ",
        "representative_name": "代表 太郎",
        "country": "JP",
        "postal_code": "100-0005",
        "prefecture": "東京都",
        "city": "千代田区",
        "address_line1": "丸の内1-1-1",
        "address_line2": "",
        "phone": "03-1234-5678",
        "contact_name": "担当 花子",
        "contact_email": "hanako@sample.example.jp",
        "plan_image_works": str(catalog["image_works"]["standard"].id),
        "plan_secure_deliver": "",
        "plan_image_works_prus": str(catalog["image_works_prus"]["standard"].id),
        "billing_period_months": "1",
        "trial": "paid",
        "channel": "direct",
        "partner_name": "",
        "accept_terms": "y",
        "antisocial": "y",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}
