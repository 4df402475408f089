"""Tenant isolation, route by route: a customer reaches only their own organization's
objects, and another organization's ID answers 404 exactly like an unknown one.

Every route with an ID in its path must appear in FOREIGN_ID_ROUTES (customer routes) or
STAFF_ROUTES; a new route that is in neither fails `test_every_id_route_is_covered`, so
isolation is tested for each route as it is added.
"""
from __future__ import annotations

from pathlib import Path

import pytest

# endpoint -> (URL template, factory name of the object whose ID goes in)
FOREIGN_ID_ROUTES = {
    "accounts.user_detail": "/users/{id}",
    # (URL template, test module with the 404 test) for objects other than users:
    "notices.notice_detail": ("/system-information/{id}", "tests/notices/test_tenancy_notices.py"),
    "notices.remove_address": ("/notification-addresses/{id}/remove", "tests/notices/test_tenancy_notices.py"),
    "notices.resend_address": ("/notification-addresses/{id}/resend", "tests/notices/test_tenancy_notices.py"),
}
STAFF_ROUTES = {"staff.outbox_mail", "staff.notice_detail", "staff.notice_update"}
STAFF_ROUTES |= {  # onboarding: applications and the price list
    "staff.application_detail", "staff.application_approve", "staff.application_reject",
    "staff.plan_new", "staff.plan_edit",
}
STAFF_ROUTES |= {"staff.misuse_report", "staff.unlock_user", "staff.organization_request",
                 "staff.trial_accounts"}  # accounts
_LC = "tests/lifecycle/test_tenancy_lifecycle.py"  # lifecycle: contracts and their requests
FOREIGN_ID_ROUTES.update({
    "lifecycle.contract": ("/contracts/{id}/lifecycle", _LC),
    "lifecycle.plan_change": ("/contracts/{id}/plan-change", _LC),
    "lifecycle.plan_change_withdraw": ("/plan-changes/{id}/withdraw", _LC),
    "lifecycle.cancellation": ("/contracts/{id}/cancellation", _LC),
    "lifecycle.cancellation_withdraw": ("/cancellation-notices/{id}/withdraw", _LC),
    "lifecycle.renewal_application": ("/contracts/{id}/renewal-application", _LC),
    "lifecycle.trial_conversion": ("/contracts/{id}/trial-conversion", _LC),
})
STAFF_ROUTES |= {"staff.lifecycle_plan_change", "staff.lifecycle_cancellation_confirm",
                 "staff.lifecycle_conversion", "staff.lifecycle_partner_contact",
                 "staff.lifecycle_non_renewal"}  # tests/lifecycle/test_terms15_pages.py
_BI = "tests/billing/test_tenancy_billing.py"  # billing: invoices
FOREIGN_ID_ROUTES.update({
    "billing.invoice": ("/invoices/{id}", _BI),
    "billing.invoice_pdf": ("/invoices/{id}/pdf", _BI),
})
STAFF_ROUTES |= {"staff.billing_invoice", "staff.billing_invoice_pdf", "staff.billing_liability",
                 "staff.plan_fee_change", "staff.billing_discontinuation"}
STAFF_ROUTES |= {"staff.organization_detail", "staff.organization_suspend",
                 "staff.organization_resume", "staff.organization_terminate", "staff.recommended_browser",
                 "staff.recommended_browser_delete"}  # oversight: tests/oversight/test_tenancy_oversight.py
STAFF_ROUTES |= {"staff.contract_start_date", "staff.service_start_rule"}  # tests/contracts/test_start_date.py
_OC = "tests/lifecycle/test_other_changes.py"  # §14(1) other changes
FOREIGN_ID_ROUTES.update({
    "lifecycle.billing_period": ("/contracts/{id}/billing-period", _OC),
    "lifecycle.change_withdraw": ("/change-requests/{id}/withdraw", _OC),
})
STAFF_ROUTES |= {"staff.lifecycle_change"}  # tests/lifecycle/test_other_changes.py
# files13 (§24): staff file pages and support access — tests/oversight/test_file_measures.py
# (another organization's file → 404) and tests/oversight/test_support_access.py.
STAFF_ROUTES |= {"staff.organization_files", "staff.organization_file",
                 "staff.organization_file_measure", "staff.support_grant",
                 "staff.support_delivery", "staff.support_file"}
_SA = "tests/oversight/test_support_access.py"
FOREIGN_ID_ROUTES.update({
    "oversight.support_grant": ("/organization/support-access/{id}", _SA),
    "oversight.support_revoke": ("/organization/support-access/{id}/revoke", _SA),
})
_SH = "tests/sharing/test_tenancy_sharing.py"  # sharing: deliveries, files, guest links
FOREIGN_ID_ROUTES.update({
    "sharing.delivery": ("/deliveries/{id}", _SH),
    "sharing.own_file": ("/deliveries/{id}/files/{id}", _SH),
    "sharing.create_link": ("/deliveries/{id}/links", _SH),
    "sharing.link": ("/links/{id}", _SH),
    "sharing.revoke_link": ("/links/{id}/revoke", _SH),
    "sharing.email_link": ("/links/{id}/email", "tests/sharing/test_link_mail.py"),
    "guest.guest_file": ("/g/<token>/files/{id}", _SH),
})


FOREIGN_ID_ROUTES["support.fault"] = ("/support/faults/{id}", "tests/support/test_tenancy_support.py")
STAFF_ROUTES |= {"staff.support_fault"}  # tests/support/test_tenancy_support.py


def test_every_id_route_is_covered(app):
    id_routes = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if any(conv for conv in rule._converters.values() if type(conv).__name__ == "IntegerConverter")
    }
    assert id_routes <= set(FOREIGN_ID_ROUTES) | STAFF_ROUTES, id_routes - set(FOREIGN_ID_ROUTES) - STAFF_ROUTES
    # Routes tested in an area's own module: that module exists and names the route's URL.
    root = Path(__file__).resolve().parent.parent
    for endpoint, entry in FOREIGN_ID_ROUTES.items():
        if isinstance(entry, tuple):
            module = root / entry[1]
            assert module.exists(), (endpoint, entry[1])
            prefix = entry[0].split("{id}")[0].split("<")[0].rstrip("/")
            assert prefix in module.read_text(encoding="utf-8"), (endpoint, prefix, entry[1])


@pytest.fixture
def two_orgs(make):
    a, b = make.org("株式会社エー"), make.org("株式会社ビー")
    admin_a = make.user(a, role="admin", login_id="admin-a")
    user_a = make.user(a, login_id="user-a")
    admin_b = make.user(b, role="admin", login_id="admin-b")
    return {"a": a, "b": b, "admin_a": admin_a, "user_a": user_a, "admin_b": admin_b}


@pytest.mark.parametrize("endpoint", sorted(k for k, v in FOREIGN_ID_ROUTES.items() if isinstance(v, str)))
def test_foreign_ids_answer_404(client, auth, two_orgs, endpoint):
    template = FOREIGN_ID_ROUTES[endpoint]
    auth.sign_in("admin-a")
    own = client.get(template.format(id=two_orgs["user_a"].id))
    assert own.status_code == 200
    foreign = client.get(template.format(id=two_orgs["admin_b"].id))
    unknown = client.get(template.format(id=999999))
    assert foreign.status_code == 404
    assert unknown.status_code == 404
    assert "株式会社ビー" not in foreign.get_data(as_text=True)
    assert "admin-b" not in foreign.get_data(as_text=True)


def test_user_list_shows_only_own_organization(client, auth, two_orgs):
    auth.sign_in("admin-a")
    page = client.get("/users").get_data(as_text=True)
    assert "user-a" in page and "admin-a" in page
    assert "admin-b" not in page


def test_non_admin_cannot_open_the_user_pages(client, auth, two_orgs):
    auth.sign_in("user-a")
    assert client.get("/users").status_code == 403
    assert client.get(f"/users/{two_orgs['admin_a'].id}").status_code == 403


def test_staff_pages_refuse_customers(client, auth, two_orgs):
    auth.sign_in("admin-a")
    for path in ("/staff/", "/staff/organizations", "/staff/outbox", "/staff/outbox/1"):
        assert client.get(path).status_code == 403, path


def test_signed_out_visitors_are_sent_to_sign_in(client):
    for path in ("/", "/account", "/users", "/users/1", "/staff/", "/system-information"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert "/sign-in" in response.headers["Location"], path
