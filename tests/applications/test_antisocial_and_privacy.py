"""§28(1) and §23 where personal information is collected: the application needs the
anti-social-forces representation (refused at its field with the input kept, stored with its
time and the terms version in force); the purposes of use (§23(1)), the disclosure cases
(§23(2)) and the configured privacy-policy address (§23(3)) are shown on the application
form, the invitation acceptance page and the account and organization pages."""
from __future__ import annotations

from datetime import datetime, timezone

import sqlalchemy as sa

from portal import clock
from portal.accounts.users import invitations
from portal.applications.models import Application
from portal.terms.models import TermsVersion
from tests.applications.conftest import form_data

NOW = datetime(2026, 11, 25, 1, 0, tzinfo=timezone.utc)


def _has_privacy_notice(html: str, url: str = "https://www.fujifilm.com/ffis/ja/privacy") -> None:
    assert "個人情報の取り扱いについて" in html
    assert "第23条(1)" in html and "第23条(2)" in html and "第23条(3)" in html
    assert "法令により開示を求められた場合" in html  # a §23(2) case
    assert f'href="{url}"' in html


def test_an_application_without_the_representation_is_refused_at_the_field(client, db, catalog):
    clock.set_frozen(NOW)
    data = form_data(client, catalog)
    del data["antisocial"]
    response = client.post("/apply", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    error = html.split('id="antisocial-error"', 1)[1].split("</p>", 1)[0]
    assert "反社会的勢力でないことの表明・確約が必要です" in error and "第28条(1)" in error
    assert 'value="株式会社サンプル商事"' in html and 'value="hanako@sample.example.jp"' in html
    assert db.session.scalars(sa.select(Application)).all() == []


def test_the_representation_is_stored_with_its_time_and_the_terms_version(client, db, catalog):
    clock.set_frozen(NOW)
    assert client.post("/apply", data=form_data(client, catalog)).status_code == 302
    application = db.session.scalar(sa.select(Application))
    in_force = db.session.scalar(sa.select(TermsVersion))
    assert application.antisocial_declared_at == NOW
    assert application.terms_version_id == in_force.id


def test_the_service_refuses_without_the_representation_too(client, db, catalog):
    """The form's check is backed by the service's (another caller cannot skip it)."""
    from portal.applications import services
    from portal.applications.services import ApplicationError

    clock.set_frozen(NOW)
    data = services.ApplicationInput(
        company_name="株式会社サンプル", company_name_kana="サンプル", representative_name="代表",
        country="JP", postal_code="100-0005", prefecture="東京都", city="千代田区",
        address_line1="丸の内1-1-1", address_line2="", phone="03-1234-5678", contact_name="担当",
        contact_email="a@example.jp", plans={"image_works": catalog["image_works"]["standard"].id},
        billing_period_months=1, trial=False, channel="direct", partner_name="")
    try:
        services.submit_application(data, nonce="n" * 32,
                                    terms_version=db.session.scalar(sa.select(TermsVersion)),
                                    client=None)
    except ApplicationError as exc:
        assert (exc.code, exc.field, exc.clause) == ("antisocial_required", "antisocial", "§28(1)")
    else:
        raise AssertionError("accepted without the §28(1) representation")


def test_staff_see_the_representation(client, auth, db, catalog, make):
    clock.set_frozen(NOW)
    client.post("/apply", data=form_data(client, catalog))
    application = db.session.scalar(sa.select(Application))
    make.staff(login_id="ops")
    auth.sign_in("ops")
    html = client.get(f"/staff/applications/{application.id}").get_data(as_text=True)
    assert "反社会的勢力でないことの表明・確約" in html and "2026年11月25日(水) 10:00" in html


def test_the_application_form_shows_the_privacy_notice(client, catalog):
    html = client.get("/apply").get_data(as_text=True)
    _has_privacy_notice(html)
    assert "本サービスの初期費用および月額利用料の請求業務のため" in html  # §23(1) for 申込者情報等


def test_the_privacy_address_is_configuration(client, app, catalog):
    app.config["PRIVACY_POLICY_URL"] = "https://privacy.example.jp/policy"
    try:
        _has_privacy_notice(client.get("/apply").get_data(as_text=True),
                            "https://privacy.example.jp/policy")
    finally:
        app.config["PRIVACY_POLICY_URL"] = "https://www.fujifilm.com/ffis/ja/privacy"


def test_invitation_account_and_organization_pages_show_the_privacy_notice(client, auth, make, db):
    clock.set_frozen(NOW)
    make.terms_version()
    org = make.org()
    admin = make.user(org, role="admin", login_id="pv-admin")
    make.contract(org, "image_works", "standard")
    _invitation, token = invitations.create_invitation(org, email="new@example.co.jp", role="user",
                                                       invited_by=admin)
    db.session.commit()
    _has_privacy_notice(client.get(f"/invitations/{token}").get_data(as_text=True))
    auth.sign_in("pv-admin")
    _has_privacy_notice(client.get("/account").get_data(as_text=True))
    _has_privacy_notice(client.get("/organization").get_data(as_text=True))
