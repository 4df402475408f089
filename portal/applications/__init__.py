"""Applications (申込書, §4): the public application form, the applicant's status page, and the
staff review that approves (creating the organization, its contracts and the first admin's
invitation, and sending the usage-start notice, §5(1)) or rejects with a reason (§2(1)).
"""
from flask import Blueprint

bp = Blueprint("applications", __name__)

from portal.applications import views  # noqa: E402,F401
