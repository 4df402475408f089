"""One application waiting for review, so the staff queue of the demo is not empty."""
from __future__ import annotations

import secrets

from portal.applications.models import Application, ApplicationItem
from portal.applications.services import new_reference
from portal.clock import now_utc, today_jst
from portal.contracts.models import Service
from portal.extensions import db
from portal.terms.models import TermsVersion
from portal.terms.services import record_acceptance


def load_demo_application(services: dict[str, Service], terms: TermsVersion) -> Application:
    plans = {s: {p.code: p for p in services[s].plans} for s in services}
    chosen = [plans["image_works"]["light"], plans["image_works_prus"]["standard"]]
    application = Application(
        reference=new_reference(today_jst()), form_nonce=secrets.token_urlsafe(24),
        company_name="株式会社サンプル写真館", company_name_kana="カブシキガイシャ　サンプルシャシンカン",
        representative_name="写真 一郎", country="JP", postal_code="530-0001", prefecture="大阪府",
        city="大阪市北区", address_line1="梅田1-1-1", address_line2="サンプルビル5階",
        phone="06-1234-5678", contact_name="申込 次郎", contact_email="jiro@sample-photo.example.jp",
        channel="direct", trial=True, billing_period_months=1, terms_version_id=terms.id,
        submitted_at=now_utc(), applied_on=today_jst(),
        items=[ApplicationItem(service_id=p.service_id, plan_id=p.id) for p in chosen],
    )
    db.session.add(application)
    db.session.flush()
    record_acceptance(terms, application=application)
    return application
