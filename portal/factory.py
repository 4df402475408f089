"""Builds the Flask app in named `register_*` steps: configuration, extensions, translations,
the areas (lowest first), security headers, error pages and the `flask portal` commands.

The areas are registered in the order of their allowed dependencies (see
docs/architecture.md): each area's `register(app)` adds its blueprints, its staff pages, its
daily tasks, its quota counters and its hooks, so the daily job runs its tasks in this visible
order. The staff console's blueprint comes last, after every area has added its pages to it.
"""
from __future__ import annotations

from flask import Flask

import portal.models  # noqa: F401  (every table in the metadata, for Alembic and the mappers)
from portal import (accounts, applications, billing, cli, console, contracts, errors, i18n,
                    lifecycle, main, notices, oversight, security, sharing, staff, support, terms,
                    web)
from portal.config import INSTANCE, ROOT, load_config
from portal.extensions import csrf, db, limiter, migrate

AREAS = (contracts, accounts, notices, terms, applications, sharing, support, lifecycle, billing,
         oversight, main, staff)
"""Lowest first: an area may use the ones before it, never the ones after it."""


def create_app(config: str | None = None, **overrides) -> Flask:
    app = Flask(
        "portal",
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(INSTANCE),
        instance_relative_config=False,
    )
    register_config(app, config, overrides)
    register_extensions(app)
    register_i18n(app)
    register_areas(app)
    register_security(app)
    register_errorhandlers(app)
    register_cli(app)
    return app


def register_config(app: Flask, config: str | None, overrides: dict) -> None:
    cfg = load_config(config)
    for key, value in overrides.items():
        setattr(cfg, key, value)
    cfg.finalize()
    app.config.from_object(cfg)
    app.config["ENV_NAME"] = cfg.ENV_NAME


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)


def register_i18n(app: Flask) -> None:
    i18n.init_app(app)
    web.init_app(app)  # external_url() for the links in mail templates


def register_areas(app: Flask) -> None:
    for area in AREAS:
        area.register(app)
    app.register_blueprint(console.bp, url_prefix="/staff")


def register_security(app: Flask) -> None:
    security.init_app(app)
    security.trust_proxies(app)  # PORTAL_TRUSTED_PROXIES (default none): see portal/security.py


def register_errorhandlers(app: Flask) -> None:
    errors.init_app(app)


def register_cli(app: Flask) -> None:
    app.cli.add_command(cli.portal_cli)
