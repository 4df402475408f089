"""Pages every visitor shares: the customer home, the language switch and the public pages
(privacy policy, recommended environment)."""
from flask import Blueprint

bp = Blueprint("main", __name__)

from portal.main import views  # noqa: E402,F401
