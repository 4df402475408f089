"""The staff console's blueprint (/staff/…): one blueprint, every page staff-only.

Each area adds its staff pages to `bp` in its own `staff_views.py`; `create_app` registers the
areas (which import those modules) and then this blueprint, last. The blueprint lives here,
below every area, so that an area's staff pages never import the `staff` area (which shows
the console's home and the outbox, and may read every area).
"""
from flask import Blueprint

from portal.web import require_staff

bp = Blueprint("staff", __name__)
bp.before_request(require_staff)
