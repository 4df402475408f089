"""Terms of use versions and their acceptances (SPEC §3.9; terms §2(1), §4(1), §17).

The text of every version is kept in the database and shown at /terms (the version in effect
today, in Japan) and /terms/<version>; an acceptance records which version was accepted, when,
by whom (a user, or an application before any account exists) and how ("explicit" on a form,
"deemed" on first use after a change, §17(3)).
"""
from flask import Blueprint

bp = Blueprint("terms", __name__)

from portal.terms import views  # noqa: E402,F401
