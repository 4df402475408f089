"""Accounts: sign-in and sign-out, the user's own account, and the organization's users."""
from flask import Blueprint

bp = Blueprint("accounts", __name__)

from portal.accounts import account_views, views  # noqa: E402,F401
