"""Error pages in the user's language: 400 (including an expired or forged CSRF token),
403, 404, 405, 410, 429 and 500."""
from __future__ import annotations

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError

from portal.extensions import db


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_template("errors/csrf.html"), 400

    for code in (400, 403, 404, 405, 410, 413, 429):
        app.register_error_handler(code, _page(code))

    @app.errorhandler(500)
    def server_error(error):
        db.session.rollback()
        return render_template("errors/error.html", code=500), 500


def _page(code: int):
    def handler(error):
        return render_template("errors/error.html", code=code), code

    return handler
