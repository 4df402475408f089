"""Configuration read from environment variables.

`PORTAL_ENV` picks the class: `production` (the default, so a forgotten setting fails safe),
`development` (what `make run` uses) or `testing`. Outside development a missing
`SECRET_KEY` stops start-up; in development one is generated once into `instance/`. The
same holds for `PORTAL_MAIL_KEY`, the Fernet key(s) that seal secret-bearing mail at rest
(`portal.sealing`): a separate key, not derived from SECRET_KEY, so rotating one never
breaks the other (docs/security.md).
"""
from __future__ import annotations

import os
import secrets
import tempfile
from datetime import timedelta
from pathlib import Path

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = Path(os.environ.get("PORTAL_INSTANCE_PATH", ROOT / "instance"))


class ConfigError(RuntimeError):
    """Raised at start-up when the configuration is unusable."""


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return default if value in (None, "") else int(value)


def _keys(value: str) -> list[str]:
    return [k.strip() for k in value.split(",") if k.strip()]


def _instance_secret(name: str, make) -> str:
    """A secret generated once into instance/<name> (development only)."""
    INSTANCE.mkdir(parents=True, exist_ok=True)
    path = INSTANCE / name
    if not path.exists():
        path.write_text(make(), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


def _check_mail_keys(keys: list[str]) -> None:
    if not keys:
        raise ConfigError(
            "PORTAL_MAIL_KEY is not set. Set it to a Fernet key (python -c 'from "
            "cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'); "
            "outside development the portal refuses to start without one."
        )
    for key in keys:
        try:
            Fernet(key)
        except ValueError:
            raise ConfigError("PORTAL_MAIL_KEY holds a value that is not a Fernet key") from None


def _database_url(default: str) -> str:
    url = os.environ.get("DATABASE_URL") or default
    # Heroku-style URLs name the driver "postgres"; SQLAlchemy wants psycopg 3 explicitly.
    if url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url[len("postgres://"):]
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


class BaseConfig:
    ENV_NAME = "production"
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_PATH = "/"

    # Server-side sessions (portal.accounts.signin.sessions).
    SESSION_IDLE_TIMEOUT = timedelta(minutes=_int("PORTAL_SESSION_IDLE_MINUTES", 120))
    SESSION_ABSOLUTE_LIFETIME = timedelta(hours=_int("PORTAL_SESSION_MAX_HOURS", 24))
    PERMANENT_SESSION_LIFETIME = SESSION_ABSOLUTE_LIFETIME
    # Staff sessions reach every organization's metadata: a shorter idle timeout.
    STAFF_SESSION_IDLE_TIMEOUT = timedelta(minutes=_int("PORTAL_STAFF_SESSION_IDLE_MINUTES", 30))

    # Behind a reverse proxy: how many proxies in front of the portal set X-Forwarded-For /
    # -Proto / -Host (Werkzeug's ProxyFix). Default 0: none is trusted and the client address
    # is the socket's; set it only when every request passes through that many proxies.
    TRUSTED_PROXIES = _int("PORTAL_TRUSTED_PROXIES", 0)

    # CSRF tokens live as long as an idle session (Flask-WTF's default of 1 hour would
    # expire forms a user left open while the session is still valid).
    WTF_CSRF_TIME_LIMIT = int(SESSION_IDLE_TIMEOUT.total_seconds())

    # Flask-Limiter's counters must be shared by every server process (gunicorn runs one
    # worker per core; a cluster runs several nodes): by default they live in the portal's own
    # database (portal.ratelimit, `portal+db://`), with Redis set RATELIMIT_STORAGE_URI=
    # redis://host:port/0. memory:// counts per process: N workers make a limit N× looser
    # (docs/decisions.md, "Limits across processes"). Sign-in lockouts per login ID are read
    # from the audit log and hold across processes whatever this says.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "portal+db://")
    RATELIMIT_HEADERS_ENABLED = False
    SIGNIN_LIMIT_PER_ADDRESS = os.environ.get("PORTAL_SIGNIN_LIMIT_PER_ADDRESS", "30/10 minutes")

    BABEL_DEFAULT_LOCALE = "ja"
    BABEL_DEFAULT_TIMEZONE = "Asia/Tokyo"
    BABEL_TRANSLATION_DIRECTORIES = str(ROOT / "translations")
    LANGUAGES = ("ja", "en")

    # Mail: without MAIL_URL mail stays in the outbox (shown in the staff console).
    MAIL_URL = os.environ.get("MAIL_URL", "")
    MAIL_FROM = os.environ.get("MAIL_FROM", "Customer Portal <no-reply@portal.example.jp>")
    MAIL_MAX_ATTEMPTS = _int("PORTAL_MAIL_MAX_ATTEMPTS", 8)
    MAIL_TIMEOUT_SECONDS = _int("PORTAL_MAIL_TIMEOUT", 10)
    # Bounces (§10(2)): every mail's envelope sender is <local>+<signed id>@<domain> of this
    # address (empty: the MAIL_FROM address); the mail server delivers what comes back to
    # <local>+anything@<domain> into the Maildir that `flask portal bounces` reads
    # (docs/operations.md, "Bounces").
    MAIL_BOUNCE_ADDRESS = os.environ.get("PORTAL_MAIL_BOUNCE_ADDRESS", "")
    MAIL_RECIPIENT_DELIMITER = os.environ.get("PORTAL_MAIL_RECIPIENT_DELIMITER", "+")
    BOUNCE_MAILDIR = os.environ.get("PORTAL_BOUNCE_MAILDIR", "")

    # The public base address used in links inside mail.
    BASE_URL = os.environ.get("PORTAL_BASE_URL", "http://127.0.0.1:5000")

    # The provider's terms for `flask portal demo` (imported when the file exists, else the
    # demo keeps its short sample): next to the project in ../shared/seeds/ by default.
    DEMO_TERMS_FILE = os.environ.get(
        "PORTAL_DEMO_TERMS", str(ROOT.parent / "shared" / "seeds" / "000_cc2a12d6fb307762.txt"))

    # Argon2id parameters (argon2-cffi's RFC 9106 "low memory" profile by default).
    ARGON2_TIME_COST = _int("PORTAL_ARGON2_TIME_COST", 3)
    ARGON2_MEMORY_COST = _int("PORTAL_ARGON2_MEMORY_KIB", 65536)

    # Files and guest links (portal.sharing): per-file upload limit (checked while streaming),
    # where files are kept (outside the web root), default link lifetime, and the internal
    # location prefix for handing downloads to nginx (X-Accel-Redirect; empty = off).
    UPLOAD_MAX_FILE_BYTES = _int("PORTAL_UPLOAD_MAX_FILE_BYTES", 2 * 1024**3)
    # Every request body: at most a delivery of 20 files of 2 GiB plus its form fields (the
    # cap waitress's --max-request-body-size used to set; gunicorn has none). Werkzeug answers
    # 413 beyond it; the upload itself is checked per file while streaming (sharing/uploads.py).
    MAX_CONTENT_LENGTH = _int("PORTAL_MAX_BODY_BYTES", 20 * 2 * 1024**3 + 1024**2)
    STORAGE_DIR = os.environ.get("PORTAL_STORAGE_DIR", str(INSTANCE / "storage"))
    GUEST_LINK_DEFAULT_DAYS = 7
    X_ACCEL_REDIRECT_PREFIX = os.environ.get("PORTAL_X_ACCEL_REDIRECT_PREFIX", "")

    # Billing (portal.billing): the terms leave the issue day and the due date to the invoice.
    # Invoices are issued on BILLING_ISSUE_DAY of each month (1–28) for the billing months
    # starting in that month, due on the last day of the month BILLING_DUE_MONTHS after it
    # (0 = the issue month's last day). The issuer's registration number is checked at start.
    BILLING_ISSUE_DAY = _int("PORTAL_BILLING_ISSUE_DAY", 1)
    BILLING_DUE_MONTHS = _int("PORTAL_BILLING_DUE_MONTHS", 0)
    BILLING_TAX_RATE = 10
    BILLING_ISSUER_NAME = os.environ.get("PORTAL_BILLING_ISSUER_NAME", "株式会社イメージワークス")
    BILLING_REGISTRATION_NUMBER = os.environ.get("PORTAL_BILLING_REGISTRATION_NUMBER",
                                                 "T3010401099999")
    BILLING_PAYEE = os.environ.get(
        "PORTAL_BILLING_PAYEE", "みずほ銀行 本店（001） 普通預金 1234567 カ）イメージワークス")
    # §31(4): when the billing agent bills, the claim is assigned to it and it is the payee.
    BILLING_AGENT_NAME = os.environ.get("PORTAL_BILLING_AGENT_NAME", "")
    BILLING_AGENT_PAYEE = os.environ.get("PORTAL_BILLING_AGENT_PAYEE", "")
    # §23(3): the provider's privacy policy on its own web site, linked wherever personal
    # information is collected (templates/_macros/privacy.html).
    PRIVACY_POLICY_URL = os.environ.get("PORTAL_PRIVACY_POLICY_URL",
                                        "https://www.fujifilm.com/ffis/ja/privacy")

    def __init__(self) -> None:
        self.SQLALCHEMY_DATABASE_URI = _database_url(f"sqlite:///{INSTANCE / 'portal.db'}")
        self.SECRET_KEY = os.environ.get("SECRET_KEY", "")
        self.MAIL_SEAL_KEYS = _keys(os.environ.get("PORTAL_MAIL_KEY", ""))
        # Served over HTTPS? Only then are cookies marked Secure (browsers and test clients
        # do not send Secure cookies over http://127.0.0.1), and named with the `__Host-`
        # prefix: the browser then accepts them only with Secure, Path=/ and no Domain, so a
        # sibling subdomain can neither plant nor shadow them.
        https = self.HTTPS = _bool("PORTAL_HTTPS")
        prefix = "__Host-" if https else ""
        self.SESSION_COOKIE_NAME = prefix + "portal_session"
        self.DEVICE_COOKIE_NAME = prefix + "portal_device"
        self.GUEST_KNOWN_COOKIE_NAME = prefix + "portal_guest"
        self.SESSION_COOKIE_SECURE = self.REMEMBER_COOKIE_SECURE = https
        self.PREFERRED_URL_SCHEME = "https" if https else "http"

    def finalize(self) -> None:
        if not self.SECRET_KEY:
            raise ConfigError(
                "SECRET_KEY is not set. Set it in the environment (outside development the "
                "portal refuses to start without one)."
            )
        _check_mail_keys(self.MAIL_SEAL_KEYS)


class DevelopmentConfig(BaseConfig):
    ENV_NAME = "development"

    def finalize(self) -> None:
        INSTANCE.mkdir(parents=True, exist_ok=True)
        if not self.SECRET_KEY:
            self.SECRET_KEY = _instance_secret("secret_key", lambda: secrets.token_urlsafe(48))
        if not self.MAIL_SEAL_KEYS:
            self.MAIL_SEAL_KEYS = [_instance_secret(
                "mail_key", lambda: Fernet.generate_key().decode("ascii"))]
        _check_mail_keys(self.MAIL_SEAL_KEYS)


class ProductionConfig(BaseConfig):
    ENV_NAME = "production"


class TestingConfig(BaseConfig):
    ENV_NAME = "testing"
    TESTING = True
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 8192
    RATELIMIT_STORAGE_URI = "memory://"

    def __init__(self) -> None:
        super().__init__()
        self.SECRET_KEY = "testing-secret-key-not-for-production"
        self.MAIL_SEAL_KEYS = ["dGVzdGluZy1tYWlsLWtleS1ub3QtZm9yLXByb2R1Y3Q="]
        self.SQLALCHEMY_DATABASE_URI = "sqlite://"
        self.MAIL_URL = ""
        # Tests never write uploads into the repository (tests may override it per test).
        self.STORAGE_DIR = tempfile.mkdtemp(prefix="portal-storage-")

    def finalize(self) -> None:
        pass


CONFIGS = {
    "development": DevelopmentConfig,
    "production": ProductionConfig,
    "testing": TestingConfig,
}


def load_config(name: str | None = None) -> BaseConfig:
    """Build the config object for `name` (default: $PORTAL_ENV, else production)."""
    name = name or os.environ.get("PORTAL_ENV", "production")
    try:
        return CONFIGS[name]()
    except KeyError:
        raise ConfigError(f"PORTAL_ENV={name!r} is not one of {sorted(CONFIGS)}") from None
