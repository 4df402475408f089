"""The public application form (§4), its validation, PRus's Japan-only rule (§31(5)) and the
status page."""
from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa

from portal import clock
from portal.applications.models import Application
from portal.mail import OutboxMail
from portal.terms.models import TermsAcceptance
from tests.applications.conftest import form_data


def _applications(db):
    return db.session.scalars(sa.select(Application)).all()


def test_submit_creates_one_application_with_reference_mail_and_acceptance(client, db, catalog):
    clock.set_frozen(datetime(2026, 11, 25, 1, 0, tzinfo=timezone.utc))
    data = form_data(client, catalog)
    response = client.post("/apply", data=data)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    [app_row] = _applications(db)
    assert re.fullmatch(r"APP-2026-[0-9A-HJKMNP-TV-Z]{6}", app_row.reference)
    assert app_row.reference in page
    assert "2026年12月2日" in page and "第5条(2)" in page  # 5 business days after 11/25
    assert [i.plan.code for i in app_row.items] == ["standard", "standard"]
    acceptance = db.session.scalar(sa.select(TermsAcceptance))
    assert acceptance.application_id == app_row.id and acceptance.kind == "explicit"
    mail = db.session.scalar(sa.select(OutboxMail).where(OutboxMail.kind == "application_received"))
    assert mail.to_address == "hanako@sample.example.jp" and app_row.reference in mail.subject
    # The same form sent again (double click, back button): still one application.
    again = client.post("/apply", data=data)
    assert again.status_code == 302
    assert len(_applications(db)) == 1


@pytest.mark.parametrize("field, value, message", [
    ("company_name", "", "会社名を入力してください"),
    ("company_name_kana", "サンプルshoji", "全角カタカナ"),
    ("company_name_kana", "さんぷる", "全角カタカナ"),
    ("representative_name", "", "代表者"),
    ("postal_code", "12345", "7桁"),
    ("postal_code", "000-0000", "日本郵便"),
    ("postal_code", "530-0001", "大阪府"),  # an Osaka code with 東京都 chosen
    ("prefecture", "", "都道府県を選択"),
    ("city", "", "市区町村"),
    ("address_line1", "", "番地"),
    ("phone", "12345", "電話番号"),
    ("contact_email", "hanako@", "メールアドレス"),
    ("contact_email", "", "メールアドレス"),
    ("plan_image_works", "", None),
    ("channel", "reseller", "販売代理店"),
    ("accept_terms", None, "利用規約"),
    ("billing_period_months", "6", "第5条(5)"),  # PRus Standard allows 1 and 12 only
])
def test_every_field_has_a_japanese_message_and_input_is_kept(client, db, catalog, field, value, message):
    overrides = {field: value}
    if field == "plan_image_works":
        overrides["plan_image_works_prus"] = ""
        message = "少なくとも1つ"
    data = form_data(client, catalog, **overrides)
    response = client.post("/apply", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in html
    assert "株式会社サンプル商事" in html or field == "company_name"
    assert not _applications(db)


def test_half_width_kana_is_accepted_as_full_width(client, db, catalog):
    response = client.post("/apply", data=form_data(client, catalog, company_name_kana="ｻﾝﾌﾟﾙ ｼｮｳｼﾞ"))
    assert response.status_code == 302
    assert _applications(db)[0].company_name_kana == "サンプル　ショウジ"


def test_overseas_applicant_is_refused_prus_citing_31_5(client, db, catalog):
    data = form_data(client, catalog, country="US", postal_code="10001", prefecture="",
                     city="New York", address_line1="350 5th Ave", phone="+1 212 736 3100")
    response = client.post("/apply", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "第31条(5)" in html and "所在国が日本ではありません" in html
    assert not _applications(db)


def test_overseas_applicant_may_apply_for_the_other_services(client, db, catalog):
    data = form_data(client, catalog, country="US", postal_code="", prefecture="",
                     city="New York", address_line1="350 5th Ave", phone="+1 212 736 3100",
                     plan_image_works_prus="",
                     plan_secure_deliver=str(catalog["secure_deliver"]["basic"].id))
    assert client.post("/apply", data=data).status_code == 302
    [row] = _applications(db)
    assert row.country == "US" and len(row.items) == 2


def test_prus_needs_a_japanese_phone(client, db, catalog):
    response = client.post("/apply", data=form_data(client, catalog, phone="+44 20 7946 0958"))
    assert response.status_code == 400
    assert "第31条(5)" in response.get_data(as_text=True)


def test_address_lookup_button_fills_prefecture_and_city_without_javascript(client, catalog):
    data = form_data(client, catalog, postal_code="1000005", prefecture="", city="", address_line1="",
                     lookup="住所を検索")
    html = client.post("/apply", data=data).get_data(as_text=True)
    assert 'value="東京都" selected' in html or '<option selected value="東京都">' in html
    assert 'value="千代田区"' in html and 'value="丸の内"' in html
    assert "株式会社サンプル商事" in html


def test_postal_code_json_endpoint(client):
    ok = client.get("/apply/postal-code?code=１００－０００５").get_json()
    assert ok == {"found": True, "postal_code": "100-0005", "prefecture": "東京都",
                  "city": "千代田区", "town": "丸の内"}
    assert client.get("/apply/postal-code?code=0000000").status_code == 404


def _submit(client, catalog, **overrides):
    client.post("/apply", data=form_data(client, catalog, **overrides))


def _lookup(client, reference, email):
    from tests.conftest import AuthActions

    token = AuthActions(client).csrf_token("/apply/status")
    return client.post("/apply/status", data={"reference": reference, "email": email, "csrf_token": token})


def test_status_page_needs_reference_and_matching_email(client, db, catalog):
    _submit(client, catalog)
    ref = _applications(db)[0].reference
    ok = _lookup(client, ref.lower(), "Hanako@Sample.example.jp")
    assert ok.status_code == 200 and ref in ok.get_data(as_text=True)
    wrong = _lookup(client, ref, "someone@else.example.jp")
    unknown = _lookup(client, "APP-2026-ZZZZZZ", "hanako@sample.example.jp")
    assert wrong.status_code == unknown.status_code == 404
    for page in (wrong, unknown):
        html = page.get_data(as_text=True)
        assert "一致するお申し込みは見つかりませんでした" in html
        assert "株式会社サンプル商事" not in html and "受付日時" not in html


def test_status_lookup_is_rate_limited(client, db, catalog):
    statuses = [_lookup(client, "APP-2026-AAAAAA", "x@example.jp").status_code for _ in range(12)]
    assert statuses[:10] == [404] * 10 and statuses[-1] == 429


def test_inquiry_after_five_business_days(client, db, catalog, make, smtp):
    from portal.mail import deliver_pending

    make.staff(login_id="ops")
    clock.set_frozen(datetime(2026, 11, 25, 1, 0, tzinfo=timezone.utc))  # Wed
    _submit(client, catalog)
    ref = _applications(db)[0].reference
    clock.set_frozen(datetime(2026, 12, 2, 1, 0, tzinfo=timezone.utc))  # the 5th business day
    html = _lookup(client, ref, "hanako@sample.example.jp").get_data(as_text=True)
    assert "/apply/status/inquiry" not in html  # not overdue yet on the 5th business day
    clock.set_frozen(datetime(2026, 12, 3, 1, 0, tzinfo=timezone.utc))
    html = _lookup(client, ref, "hanako@sample.example.jp").get_data(as_text=True)
    assert "2026年12月2日" in html and "第5条(2)" in html and "/apply/status/inquiry" in html
    from tests.conftest import AuthActions

    token = AuthActions(client).csrf_token("/apply/status")
    sent = client.post("/apply/status/inquiry", data={"reference": ref, "email": "hanako@sample.example.jp", "csrf_token": token})
    assert sent.status_code == 200
    again = client.post("/apply/status/inquiry", data={"reference": ref, "email": "hanako@sample.example.jp", "csrf_token": token})
    assert again.status_code == 409
    assert len(_applications(db)[0].inquiries) == 1
    deliver_pending()
    subjects = [m["Subject"] for _, m in smtp.messages]
    assert any(ref in s and "問い合わせ" in s for s in subjects), subjects


def test_form_in_english_and_plan_labels_are_translated(client, catalog):
    client.get("/language/en")
    html = client.get("/apply").get_data(as_text=True)
    assert "Application for the services" in html
    assert "スタンダード (¥60,000 a month excl. tax, minimum 12 months, paid every 1/3/6/12 months)" in html
    client.get("/language/ja")
    html = client.get("/apply").get_data(as_text=True)
    assert "スタンダード（月額¥60,000・税抜、最低利用12か月、1/3/6/12か月単位でお支払い）" in html


def test_form_without_published_terms_cannot_be_sent(client, db, make):
    make.price_list()
    db.session.commit()
    html = client.get("/apply").get_data(as_text=True)
    nonce = re.search(r'id="form_nonce" name="form_nonce" type="hidden" value="([^"]+)"', html).group(1)
    csrf = re.search(r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    response = client.post("/apply", data={"csrf_token": csrf, "form_nonce": nonce, "terms_version": "",
                                           "accept_terms": "y"})
    assert response.status_code == 400
    assert not db.session.scalars(sa.select(Application)).all()
