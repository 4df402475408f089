"""SYSTEM INFORMATION through HTTP: staff publish (with Japanese refusals that change nothing),
users see their notices newest first with unread markers and a header count, the detail marks
a notice read, public notices show on the sign-in page, another organization's notice is a 404,
and scheduled notices appear after their time (first view or the daily job)."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

import sqlalchemy as sa

from portal import clock
from portal.notices.models import Notice, NoticeDelivery

NOW = datetime(2026, 12, 2, 1, 0, tzinfo=timezone.utc)


def _setup(make):
    clock.set_frozen(NOW)
    ops = make.staff(login_id="ops")
    a, b = make.org("株式会社エー"), make.org("株式会社ビー")
    make.user(a, role="admin", login_id="admin-a")
    make.user(a, login_id="user-a")
    make.user(b, role="admin", login_id="admin-b")
    return ops, a, b


def _form(auth, **fields):
    data = {"category": "general", "title_ja": "お知らせ", "source_ja": "本文", "title_en": "",
            "source_en": "", "audience": "all", "service_code": "", "organization_ids": "",
            "effective_date": "", "timing": "now", "publish_at": "", "send_email": "y",
            "form_token": "f" * 32, "reason": "お知らせ掲載",
            "csrf_token": auth.csrf_token("/staff/notices/new")}
    data.update(fields)
    return data


def test_staff_publish_a_notice_and_a_double_submit_makes_one(client, auth, make, db):
    _setup(make)
    auth.sign_in("ops")
    data = _form(auth, category="maintenance", title_ja="定期メンテナンスのお知らせ",
                 effective_date="2026-12-10")
    first = client.post("/staff/notices/new", data=data)
    second = client.post("/staff/notices/new", data=data)
    assert first.status_code == second.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(Notice.id))) == 1
    page = client.get(first.headers["Location"]).get_data(as_text=True)
    assert "定期メンテナンスのお知らせ" in page
    assert re.search(r"到達記録（<a class=\"clause-link\" href=\"/terms#art-10-1\">第10条\(1\)</a>）", page)
    assert "お知らせを掲載しました。" in page and "このお知らせは既に保存されています。" in page


def test_a_fee_change_too_soon_is_refused_in_japanese_with_the_clause(client, auth, make, db):
    _setup(make)
    auth.sign_in("ops")
    response = client.post("/staff/notices/new", data=_form(
        auth, category="fee_change", title_ja="料金改定のお知らせ", effective_date="2027-01-15"))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "第8条(1)により、このお知らせの適用日は最短で2027年1月31日(日)です。" in html
    assert 'value="料金改定のお知らせ"' in html  # the input is kept
    assert db.session.scalar(sa.select(sa.func.count(Notice.id))) == 0


def test_a_notice_without_a_japanese_title_is_refused(client, auth, make, db):
    _setup(make)
    auth.sign_in("ops")
    response = client.post("/staff/notices/new", data=_form(auth, title_ja="", title_en="Notice"))
    assert response.status_code == 400
    assert "日本語の件名を入力してください。" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Notice.id))) == 0


def test_customers_cannot_open_staff_notice_pages(client, auth, make):
    _setup(make)
    auth.sign_in("admin-a")
    assert client.get("/staff/notices").status_code == 403
    assert client.get("/staff/notices/new").status_code == 403


def test_list_newest_first_unread_markers_header_count_and_detail_marks_read(client, auth, make):
    ops, a, b = _setup(make)
    make.notice(category="maintenance", title_ja="古いメンテナンス", staff_user=ops)
    clock.set_frozen(NOW + timedelta(hours=1))
    newer = make.notice(category="incident", title_ja="障害発生のお知らせ",
                        body="**ログイン**できない事象が発生しています。", staff_user=ops)
    make.notice(title_ja="ビー社だけへのお知らせ", audience="organizations",
                organization_ids=(b.id,), staff_user=ops)
    auth.sign_in("user-a")
    html = client.get("/system-information").get_data(as_text=True)
    assert html.index("障害発生のお知らせ") < html.index("古いメンテナンス")
    assert "ビー社だけへのお知らせ" not in html
    assert html.count('class="notice-unread"') == 2
    assert re.search(r'notices-count" aria-hidden="true">2<', html)
    assert "未読2件" in html

    detail = client.get(f"/system-information/{newer.id}").get_data(as_text=True)
    assert "<strong>ログイン</strong>" in detail and "調査中" in detail
    html = client.get("/system-information").get_data(as_text=True)
    assert html.count('class="notice-unread"') == 1
    assert "未読1件" in html
    only_maint = client.get("/system-information?category=maintenance").get_data(as_text=True)
    assert "古いメンテナンス" in only_maint and "障害発生のお知らせ" not in only_maint


def test_english_falls_back_to_japanese(client, auth, make):
    ops, a, _ = _setup(make)
    n = make.notice(title_ja="日本語だけの件名", staff_user=ops)
    auth.sign_in("user-a")
    client.get("/language/en")
    html = client.get(f"/system-information/{n.id}").get_data(as_text=True)
    assert "日本語だけの件名" in html and "This notice is available in Japanese only." in html


def test_public_maintenance_notice_shows_on_the_sign_in_page(client, make):
    ops, a, b = _setup(make)
    make.notice(category="maintenance", title_ja="12月10日 定期メンテナンスのお知らせ",
                body="2:00〜5:00 の間、サービスを停止いたします。", effective_date=date(2026, 12, 10),
                staff_user=ops)
    make.notice(category="general", title_ja="契約者向けの一般のお知らせ", staff_user=ops)
    make.notice(category="maintenance", title_ja="ビー社だけのメンテナンス", audience="organizations",
                organization_ids=(b.id,), staff_user=ops)
    html = client.get("/sign-in").get_data(as_text=True)
    assert "メンテナンス・障害情報" in html
    assert "12月10日 定期メンテナンスのお知らせ" in html
    assert "メンテナンス実施日：2026年12月10日(木)" in html
    assert "契約者向けの一般のお知らせ" not in html
    assert "ビー社だけのメンテナンス" not in html


def test_another_organizations_notice_is_404_like_an_unknown_one(client, auth, make):
    ops, a, b = _setup(make)
    own = make.notice(title_ja="エー社向け", audience="organizations", organization_ids=(a.id,),
                      staff_user=ops)
    foreign = make.notice(title_ja="ビー社向け", audience="organizations", organization_ids=(b.id,),
                          staff_user=ops)
    auth.sign_in("admin-a")
    assert client.get(f"/system-information/{own.id}").status_code == 200
    response = client.get(f"/system-information/{foreign.id}")
    assert response.status_code == 404 and "ビー社向け" not in response.get_data(as_text=True)
    assert client.get("/system-information/999999").status_code == 404


def test_scheduled_notice_appears_after_its_time_on_first_view(client, auth, make, db):
    ops, a, _ = _setup(make)
    n = make.notice(title_ja="予約したお知らせ", publish_at=NOW + timedelta(minutes=20), staff_user=ops)
    assert n.published_at is None
    auth.sign_in("user-a")
    assert "予約したお知らせ" not in client.get("/system-information").get_data(as_text=True)
    clock.set_frozen(NOW + timedelta(minutes=21))
    assert "予約したお知らせ" in client.get("/system-information").get_data(as_text=True)
    db.session.refresh(n)
    assert n.published_at == NOW + timedelta(minutes=21)
    posted = db.session.scalar(sa.select(NoticeDelivery.posted_at).where(
        NoticeDelivery.notice_id == n.id, NoticeDelivery.organization_id == a.id))
    assert posted == NOW + timedelta(minutes=20)


def test_incident_updates_show_in_order_on_the_notice(client, auth, make):
    ops, a, _ = _setup(make)
    n = make.notice(category="incident", title_ja="障害発生のお知らせ", body="調査しています。",
                    staff_user=ops)
    auth.sign_in("ops")
    for status, text in (("identified", "原因を特定しました。"), ("resolved", "復旧しました。")):
        token = auth.csrf_token(f"/staff/notices/{n.id}")
        r = client.post(f"/staff/notices/{n.id}/updates",
                        data={"status": status, "source_ja": text, "source_en": "",
                              "form_token": status * 3, "reason": "障害対応", "csrf_token": token})
        assert r.status_code == 302
    back = client.post(f"/staff/notices/{n.id}/updates", data={
        "status": "investigating", "source_ja": "x", "form_token": "z" * 20, "reason": "障害対応",
        "csrf_token": auth.csrf_token(f"/staff/notices/{n.id}")})
    assert back.status_code == 400
    assert "障害の状況を前の段階に戻すことはできません。" in back.get_data(as_text=True)
    auth.sign_out()
    auth.sign_in("user-a")
    html = client.get(f"/system-information/{n.id}").get_data(as_text=True)
    assert html.index("原因を特定しました。") < html.index("復旧しました。")
    assert "復旧済み" in html


def test_atom_feed_lists_the_users_notices(client, auth, make):
    ops, a, b = _setup(make)
    make.notice(title_ja="フィードのお知らせ", body="<script>x</script>本文", staff_user=ops)
    auth.sign_in("user-a")
    response = client.get("/system-information/feed.atom")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/atom+xml")
    xml = response.get_data(as_text=True)
    assert "<title>フィードのお知らせ</title>" in xml and "<script" not in xml
