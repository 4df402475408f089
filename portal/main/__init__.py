"""Pages every visitor shares: the customer home, the language switch and the public pages
(privacy policy, recommended environment)."""
from __future__ import annotations

from flask import Flask

from portal.main import views


def register(app: Flask) -> None:
    app.register_blueprint(views.bp)
