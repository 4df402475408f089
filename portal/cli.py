"""`flask portal …` commands: thin wrappers around services.

- `demo [--if-empty]`: load demo data and print the sign-in credentials
- `create-staff LOGIN_ID --email … --name …`: create a staff account (asks for the password;
  two-factor sign-in is set up at its first sign-in)
- `mail`: fan out published notices' mail into the outbox, then deliver pending outbox mail
  once (run it from cron or a loop)
- `tick [--date YYYY-MM-DD]`: the daily job (portal.daily), catching up missed days
- `bounces [--maildir PATH]`: read the delivery status notifications in the bounce Maildir

`mail` and `tick` each run under a job lock (portal.joblock): one runner at a time across nodes.
"""
from __future__ import annotations

import os
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from portal.accounts.errors import AccountError
from portal.accounts.misuse.digest import send_digest as send_misuse_digest
from portal.accounts.users.services import create_user
from portal.clock import now_utc, today_jst
from portal.daily import pending_days, run_daily
from portal.demo import database_is_empty, load_demo
from portal.extensions import db
from portal.joblock import job_lock
from portal.mail import deliver_pending
from portal.notices.services.bounces import process_maildir
from portal.notices.services.fanout import queue_pending_notice_mail
from portal.sharing.storage import get_storage
from portal.terms.importing import TermsImportError, import_file

portal_cli = AppGroup("portal", help="Customer portal commands.")
terms_cli = AppGroup("terms", help="Terms of use versions.")
portal_cli.add_command(terms_cli)


@terms_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--effective", "effective", required=True, type=click.DateTime(["%Y-%m-%d"]),
              help="The day (in Japan) the version takes effect, YYYY-MM-DD.")
@click.option("--version", "label", default=None, help="Version label (default: the date).")
def terms_import_command(file: Path, effective, label: str | None) -> None:
    """Import a plain-text terms document (「N. 見出し」 articles, 「(M)」 paragraphs)."""
    try:
        version, doc = import_file(file, effective_date=effective.date(), version=label)
    except TermsImportError as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    paragraphs = sum(len(a.paragraphs) for a in doc.articles)
    click.echo(f"Imported terms {version.version} ({version.title}), effective "
               f"{version.effective_date}: {len(doc.articles)} articles, {paragraphs} paragraphs.")


@portal_cli.command("demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database has users.")
def demo_command(if_empty: bool) -> None:
    """Load demo data and print the login IDs and passwords."""
    if if_empty and not database_is_empty():
        click.echo("Demo data: the database already has accounts; nothing loaded.")
        return
    creds = load_demo()
    db.session.commit()
    port = os.environ.get("PORT", "5000")
    lines = [f"Demo accounts (sign in at http://127.0.0.1:{port}/sign-in):"]
    for c in creds:
        lines.append(f"  {c.role:<6} login ID: {c.login_id:<12} password: {c.password}")
        if c.totp_secret:
            lines.append(f"         two-factor key: {c.totp_secret} (add it to an authenticator app;"
                         " staff must enter its 6-digit code)")
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
    """Create a staff account for the provider's operations team. Staff must use two-factor
    sign-in: the account's first sign-in leads to its set-up, before any console page."""
    if len(password) < 12:
        raise click.BadParameter("use at least 12 characters", param_hint="password")
    try:
        create_user(login_id=login_id, email=email, name=name, password=password, is_staff=True)
    except AccountError as exc:
        raise click.ClickException(f"cannot create {login_id}: {exc.code}") from None
    db.session.commit()
    click.echo(f"Staff account {login_id} created. At its first sign-in it sets up two-factor "
               "sign-in (required for staff) before the console opens.")


@portal_cli.command("mail")
def mail_command() -> None:
    """Write the mail of published notices into the outbox (the fan-out), then deliver due
    outbox mail through MAIL_URL (without MAIL_URL, mail stays queued)."""
    # One mail worker at a time across every node (portal.joblock): a second one started at
    # the same moment sends nothing rather than the same mail twice.
    with job_lock("mail", wait=False) as held:
        if not held:
            click.echo("another mail worker is running: nothing sent by this one")
            return
        queued = queue_pending_notice_mail(now_utc(), commit=db.session.commit)
        if queued:
            click.echo(f"notice mail queued: {queued}")
        if not current_app.config.get("MAIL_URL"):
            click.echo("MAIL_URL is not set: mail stays in the outbox (see the staff console).")
            return
        # A public misuse report that waited for the staff digest goes out with this run.
        send_misuse_digest()
        db.session.commit()
        counts = deliver_pending()
    click.echo(", ".join(f"{k}: {v}" for k, v in counts.items()))


@portal_cli.command("bounces")
@click.option("--maildir", "path", default=None,
              help="The Maildir the mail server delivers bounces to (default: BOUNCE_MAILDIR).")
def bounces_command(path: str | None) -> None:
    """Flag the addresses that bounced, from the reports in the bounce Maildir (§10(2)).

    Exits with status 1 when reports were left unread, so cron mails the output."""
    path = path or current_app.config.get("BOUNCE_MAILDIR")
    if not path:
        raise click.UsageError("Set PORTAL_BOUNCE_MAILDIR or pass --maildir.")
    try:
        run = process_maildir(path, commit=db.session.commit)
    except FileNotFoundError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"bounced: {len(run.flagged)}, delayed or transient: {run.transient}, "
               f"already recorded: {run.already}, left unread: "
               f"{len(run.unparsable) + len(run.unmatched)}")
    for address in run.flagged:
        click.echo(f"  flagged {address}")
    for key, reason in run.unparsable + run.unmatched:
        click.echo(f"  left {key}: {reason}", err=True)
    if run.unparsable or run.unmatched:
        raise SystemExit(1)


@portal_cli.command("tick")
@click.option("--date", "day", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="The day in Japan to run for (default: today in Japan).")
def tick_command(day) -> None:
    """Run the daily job, catching up every day missed since the last run (see portal.daily)."""
    target = day.date() if day else today_jst()
    # One daily job at a time across every node (portal.joblock): a second run started at the
    # same moment waits, then finds the days recorded in daily_runs and does nothing.
    with job_lock("daily", wait=True):
        db.session.commit()  # read the days after the lock is ours, not before
        for each in pending_days(target):
            results = run_daily(each)
            db.session.commit()
            if not results:
                click.echo(f"{each.isoformat()}: nothing to do (already run)")
            for name, summary in results:
                click.echo(f"{each.isoformat()} {name}: {summary}")


@portal_cli.command("purge-uploads")
@click.option("--hours", default=24, show_default=True, help="Only .part files older than this.")
def purge_uploads_command(hours: int) -> None:
    """Remove half-written uploads a crash left in the storage's tmp directory."""
    removed = get_storage().purge_temporary(older_than_seconds=hours * 3600)
    click.echo(f"{removed} temporary upload(s) removed")
