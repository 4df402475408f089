"""The portal's application factory.

`create_app` builds the Flask app in named `register_*` steps: configuration, extensions,
internationalisation, sessions and sign-in, blueprints (registered explicitly, never
discovered), security headers, error pages and the `flask portal` commands. Tests pass a
config name and overrides; `app.py` is the only other caller.
"""
from __future__ import annotations

from flask import Flask

from portal.config import ROOT, INSTANCE, load_config


def create_app(config: str | None = None, **overrides) -> Flask:
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(INSTANCE),
        instance_relative_config=False,
    )
    register_config(app, config, overrides)
    register_extensions(app)
    register_i18n(app)
    register_sign_in(app)
    register_blueprints(app)
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
    from portal.extensions import csrf, db, limiter, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    # Import every area's models so metadata (and Alembic) sees all tables.
    import portal.models  # noqa: F401


def register_i18n(app: Flask) -> None:
    from portal import i18n

    i18n.init_app(app)


def register_sign_in(app: Flask) -> None:
    from portal.accounts import sessions

    sessions.init_app(app)


def register_blueprints(app: Flask) -> None:
    from portal.accounts import bp as accounts_bp
    from portal.applications import bp as applications_bp
    from portal.contracts import bp as contracts_bp
    from portal.lifecycle import bp as lifecycle_bp
    from portal.terms import bp as terms_bp
    from portal.main import bp as main_bp
    from portal.notices import bp as notices_bp
    from portal.staff import bp as staff_bp
    from portal.sharing import bp as sharing_bp, guest_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(notices_bp)
    app.register_blueprint(staff_bp, url_prefix="/staff")
    app.register_blueprint(terms_bp)
    app.register_blueprint(contracts_bp)
    app.register_blueprint(applications_bp)
    app.register_blueprint(sharing_bp)
    app.register_blueprint(guest_bp)
    app.register_blueprint(lifecycle_bp)


def register_security(app: Flask) -> None:
    from portal import security

    security.init_app(app)


def register_errorhandlers(app: Flask) -> None:
    from portal import errors

    errors.init_app(app)


def register_cli(app: Flask) -> None:
    from portal.cli import portal_cli

    app.cli.add_command(portal_cli)
