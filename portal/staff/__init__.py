"""The staff console's own pages: its home, the organizations list and the outbox.

The console's blueprint is `portal.console.bp` (below every area, so each area adds its staff
pages without importing this one); this area sits on top and may read every area.
"""
from __future__ import annotations

from flask import Flask

from portal.staff import views  # noqa: F401  (adds the console's own pages)


def register(app: Flask) -> None:
    """Nothing to register beyond the pages: `create_app` registers the console blueprint."""
