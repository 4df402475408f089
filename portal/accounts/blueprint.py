"""The accounts area's one blueprint ("accounts"): every sub-area's customer pages add their
routes to it, so endpoint names (`accounts.sign_in`, `accounts.users` …) stay the same
whichever module a page lives in."""
from flask import Blueprint

bp = Blueprint("accounts", __name__)
