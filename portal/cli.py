"""`flask portal …` commands: thin wrappers around services.

- `demo [--if-empty]`: load demo data and print the sign-in credentials
- `create-staff LOGIN_ID --email … --name …`: create a staff account (asks for the password)
- `mail`: deliver pending outbox mail once (run it from cron or a loop)
"""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from portal.extensions import db

portal_cli = AppGroup("portal", help="Customer portal commands.")


@portal_cli.command("demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database has users.")
def demo_command(if_empty: bool) -> None:
    """Load demo data and print the login IDs and passwords."""
    from portal.demo import database_is_empty, load_demo

    if if_empty and not database_is_empty():
        click.echo("Demo data: the database already has accounts; nothing loaded.")
        return
    creds = load_demo()
    db.session.commit()
    lines = ["Demo accounts (sign in at http://127.0.0.1:5000/sign-in):"]
    for c in creds:
        lines.append(f"  {c.role:<6} login ID: {c.login_id:<12} password: {c.password}")
    text = "\n".join(lines)
    click.echo(text)
    path = current_app.instance_path + "/demo_credentials.txt"
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text + "\n")
    click.echo(f"(also saved to {path})")


@portal_cli.command("create-staff")
@click.argument("login_id")
@click.option("--email", required=True)
@click.option("--name", default="")
@click.password_option(help="Asked for when not given.")
def create_staff_command(login_id: str, email: str, name: str, password: str) -> None:
    """Create a staff account for the provider's operations team."""
    from portal.accounts.services import AccountError, create_user

    if len(password) < 12:
        raise click.BadParameter("use at least 12 characters", param_hint="password")
    try:
        create_user(login_id=login_id, email=email, name=name, password=password, is_staff=True)
    except AccountError as exc:
        raise click.ClickException(f"cannot create {login_id}: {exc.code}") from None
    db.session.commit()
    click.echo(f"Staff account {login_id} created.")


@portal_cli.command("mail")
def mail_command() -> None:
    """Deliver due outbox mail through MAIL_URL (without MAIL_URL, mail stays queued)."""
    from portal.mail import deliver_pending

    if not current_app.config.get("MAIL_URL"):
        click.echo("MAIL_URL is not set: mail stays in the outbox (see the staff console).")
        return
    counts = deliver_pending()
    click.echo(", ".join(f"{k}: {v}" for k, v in counts.items()))
