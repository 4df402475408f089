"""Tenant isolation for the notices area's ID routes (registered in tests/test_tenancy.py):
another organization's notice or notification address answers 404 like an unknown ID."""
from __future__ import annotations

import pytest


@pytest.fixture
def world(make):
    a, b = make.org("株式会社エー"), make.org("株式会社ビー")
    make.user(a, role="admin", login_id="admin-a")
    ops = make.staff()
    return {
        "own_notice": make.notice(title_ja="エー社向け", audience="organizations",
                                  organization_ids=(a.id,), staff_user=ops),
        "foreign_notice": make.notice(title_ja="ビー社向け", audience="organizations",
                                      organization_ids=(b.id,), staff_user=ops),
        "own_address": make.notification_address(a, "a@a.example.jp"),
        "foreign_address": make.notification_address(b, "b@b.example.jp"),
    }


def test_notice_detail(client, auth, world):
    auth.sign_in("admin-a")
    assert client.get(f"/system-information/{world['own_notice'].id}").status_code == 200
    foreign = client.get(f"/system-information/{world['foreign_notice'].id}")
    assert foreign.status_code == 404 and "ビー社向け" not in foreign.get_data(as_text=True)
    assert client.get("/system-information/999999").status_code == 404


@pytest.mark.parametrize("action", ["remove", "resend"])
def test_address_actions(client, auth, world, action):
    auth.sign_in("admin-a")
    token = auth.csrf_token("/notification-addresses")
    foreign = client.post(f"/notification-addresses/{world['foreign_address'].id}/{action}",
                          data={"csrf_token": token})
    assert foreign.status_code == 404
    assert "b@b.example.jp" not in foreign.get_data(as_text=True)
    assert client.post("/notification-addresses/999999/" + action,
                       data={"csrf_token": token}).status_code == 404
    own = client.post(f"/notification-addresses/{world['own_address'].id}/{action}",
                      data={"csrf_token": token})
    assert own.status_code == 302
