"""Fixtures of the files area: a private storage directory per test (never the repository)
and an organization with a live contract (quotas, §9(1)), an admin and a user."""
from __future__ import annotations

import re

import pytest


@pytest.fixture(autouse=True)
def storage_dir(app, tmp_path):
    previous = app.config["STORAGE_DIR"]
    app.config["STORAGE_DIR"] = str(tmp_path / "storage")
    try:
        yield tmp_path / "storage"
    finally:
        app.config["STORAGE_DIR"] = previous


@pytest.fixture
def org(make):
    organization = make.org("株式会社サンプル")
    make.contract(organization, "secure_deliver")
    make.user(organization, role="admin", login_id="admin1", email="admin1@example.co.jp")
    make.user(organization, login_id="user1", email="user1@example.co.jp")
    return organization


class Sharing:
    """Drive the customer pages through HTTP."""

    def __init__(self, client, auth):
        self.client = client
        self.auth = auth

    def upload(self, files, subject="見積書の送付", message="ご確認ください。", **extra):
        token = self.auth.csrf_token("/deliveries/new")
        html = self.client.get("/deliveries/new").get_data(as_text=True)
        form_token = re.search(r'name="form_token" type="hidden" value="([^"]*)"', html).group(1)
        data = {"csrf_token": token, "subject": subject, "message": message,
                "form_token": form_token, "files": files}
        data.update(extra)
        return self.client.post("/deliveries/new", data=data, content_type="multipart/form-data")

    def create_link(self, delivery_id, **fields):
        path = f"/deliveries/{delivery_id}"
        html = self.client.get(path).get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
        form_token = re.search(r'name="form_token" type="hidden" value="([^"]*)"', html).group(1)
        data = {"csrf_token": token, "form_token": form_token, "days": "7"}
        data.update({k: str(v) for k, v in fields.items() if v is not None})
        response = self.client.post(f"{path}/links", data=data)
        match = re.search(r'value="(http://[^"]+/g/([A-Za-z0-9_-]+))"', response.get_data(as_text=True))
        return response, (match.group(2) if match else None)


@pytest.fixture
def sharing(client, auth):
    return Sharing(client, auth)
