"""`ivr callbacks`: the callback queue from a terminal (list, show, done, purge).

Reads IVR_DATABASE_URL and IVR_DATA_KEY the way the app does (the environment,
the instance folder's config.py, then its local key), without needing the
Twilio token. Exit codes: 0 fine, 1 a problem (no key, no such reference,
database unreachable), 2 misuse.

Numbers are masked (`+44*******456`: the country and the last three digits) in
the table, in `--json` and in `show`, unless `--show-numbers` is given; then
the full numbers are printed and the audit trail records who (`--operator`, or
the operating-system user), when, and which requests, never the numbers.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import sys
from zoneinfo import ZoneInfo

import click
from sqlalchemy.exc import SQLAlchemyError

from ..errors import ConfigError
from .models import OUTCOME_LABELS, PURPOSE_LABELS, STATUS_LABELS, STATUSES


def open_store():
    """The store for the configured database and key, as the app would make it."""
    from ..db import Database
    from ..instance import app_config, instance_folder
    from . import make_store

    instance = instance_folder()
    config = app_config()
    return make_store(config, instance, Database(config["IVR_DATABASE_URL"]))


def fail(message: str):
    click.echo(f"ivr callbacks: {message}", err=True)
    sys.exit(1)


def _store_or_fail(need_key: bool = True):
    try:
        store = open_store()
    except ConfigError as exc:
        fail(str(exc))
    click.get_current_context().call_on_close(store.db.dispose)  # no connection outlives the command
    if need_key and not store.can_store:
        from .crypto import HOW_TO_SET

        fail(f"IVR_DATA_KEY is not set, so stored numbers cannot be read; {HOW_TO_SET}")
    return store


def _status(value: str | None) -> str | None:
    """'could not reach', 'could-not-reach' and 'could_not_reach' are one status."""
    if value is None:
        return None
    status = value.strip().lower().replace(" ", "_").replace("-", "_")
    if status not in STATUSES:
        raise click.BadParameter(f"use one of: {', '.join(STATUSES)}")
    return status


def mask(number: str | None) -> str | None:
    """'+447911123456' -> '+44*******456': enough to tell two requests apart, not to ring anyone."""
    if not number:
        return number
    try:
        import phonenumbers

        country = str(phonenumbers.parse(number, None).country_code)
    except Exception:  # noqa: BLE001 - an odd stored value is still masked, by length alone
        country = ""
    head = "+" + country if number.startswith("+" + country) and country else number[:1]
    return head + "*" * max(0, len(number) - len(head) - 3) + number[-3:]


def operator_name(given: str | None) -> str:
    """Who is at the terminal: --operator, else the operating-system user."""
    if given and given.strip():
        return given.strip()[:100]
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown operator"


def audit_numbers_shown(store, operator: str, what: str) -> None:
    """Record in the staff area's audit trail that numbers were shown at the terminal (never the numbers).

    Refuses to show them (exit 1) if the entry cannot be written: an unaudited view is not allowed."""
    # The audit trail is the staff area's table; the terminal's number views belong in it too.
    from ..audit import record

    try:
        with store.db.session() as session:
            record(session, "callbacks.numbers_shown", f"at the terminal: {what}", actor=f"{operator} (terminal)")
    except SQLAlchemyError as exc:
        fail(f"numbers not shown: the audit trail cannot be written ({exc.__class__.__name__})")


def line_zone() -> dt.tzinfo:
    """The helpline's time zone (due times are printed in it); UTC if the call tree cannot be read."""
    from ..errors import FlowError
    from ..flow import load_flow
    from ..flow.hours import helpline_hours
    from ..instance import app_config

    try:
        config = app_config()
        hours = helpline_hours(load_flow(config["IVR_FLOW"], config.get("IVR_PROMPTS")))
        return ZoneInfo(hours.timezone) if hours else dt.UTC
    except (FlowError, OSError, ConfigError):
        return dt.UTC


def _run(action):
    try:
        return action()
    except SQLAlchemyError as exc:
        fail(
            f"the database at IVR_DATABASE_URL cannot be read ({exc.__class__.__name__}); is it up and migrated "
            "(`ivr db upgrade`)?"
        )


@click.group()
def callbacks():
    """The queue of callback requests from victim liaison officers."""


SHOW_NUMBERS = click.option(
    "--show-numbers", is_flag=True, help="Print full numbers (recorded in the audit trail with the operator's name)."
)
OPERATOR = click.option("--operator", help="Your name for the audit trail (default: the operating-system user).")


@callbacks.command("list")
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print a JSON array (call_sid, number, status, created_at, reference, due, attempts, purpose, assigned_to...).",
)
@click.option("--status", "status", help="Only requests with this status: new, assigned, attempted, done, could_not_reach.")
@SHOW_NUMBERS
@OPERATOR
def list_command(as_json, status, show_numbers, operator):
    """List callback requests, oldest first; numbers masked unless --show-numbers."""
    status = _status(status)
    store = _store_or_fail()
    requests = _run(lambda: store.list(status))
    if show_numbers and requests:
        refs = ", ".join(r.reference for r in requests[:50]) + (" and more" if len(requests) > 50 else "")
        audit_numbers_shown(store, operator_name(operator), f"{len(requests)} number(s) listed ({refs})")

    def number(r):
        return r.number if show_numbers else mask(r.number)

    if as_json:
        zone = line_zone()
        click.echo(json.dumps([{**r.as_json(zone), "number": number(r)} for r in requests], indent=2))
        return
    if not requests:
        click.echo("no callback requests" + (f" with status {STATUS_LABELS[status]}" if status else ""))
        return
    zone = line_zone()
    click.echo(
        f"{'REFERENCE':<10} {'STATUS':<16} {'CREATED (UTC)':<17} {'DUE':<17} {'NUMBER':<16} {'SAFE TIME':<10} "
        f"{'LANGUAGE':<9} {'PURPOSE':<9} {'TRIES':<6} ASSIGNED TO"
    )
    for r in requests:
        due = f"{r.due_at.astimezone(zone):%Y-%m-%d %H:%M}" if r.due_at else "-"
        if r.overdue(dt.datetime.now(dt.UTC)):
            due += "!"
        click.echo(
            f"{r.reference:<10} {STATUS_LABELS.get(r.status, r.status):<16} "
            f"{r.created_at:%Y-%m-%d %H:%M} {due:<17} {number(r) or '(cannot open)':<16} {r.safe_time or '-':<10} "
            f"{r.language:<9} {r.purpose:<9} {len(r.attempts):<6} {r.assigned_to or '-'}"
        )
    if any(r.overdue(dt.datetime.now(dt.UTC)) for r in requests):
        click.echo("! overdue: still open after its due time")


@callbacks.command("show")
@click.argument("reference")
@SHOW_NUMBERS
@OPERATOR
def show_command(reference, show_numbers, operator):
    """Show one request: its number (masked unless --show-numbers), safety answers, attempts and history."""
    store = _store_or_fail()
    found = _run(lambda: store.get(reference))
    if found is None:
        fail(f"no callback request with reference {reference!r}")
    if show_numbers:
        audit_numbers_shown(store, operator_name(operator), f"the number of request {found.reference} shown")
    yes_no = {True: "yes", False: "no", None: "-"}
    number = found.number if show_numbers else mask(found.number)
    zone = line_zone()
    click.echo(f"reference:          {found.reference}")
    click.echo(f"number:             {number or '(cannot open with IVR_DATA_KEY)'}")
    if found.relay:
        click.echo("                    call through Relay UK (dial 18002, then the number)")
    click.echo(
        f"status:             {STATUS_LABELS.get(found.status, found.status)} since {found.status_at.isoformat()}"
    )
    click.echo(f"created:            {found.created_at.isoformat()}")
    click.echo(f"language:           {found.language}")
    click.echo(f"safe time:          {found.safe_time or '-'}")
    click.echo(f"voicemail safe:     {yes_no[found.voicemail_ok]}")
    click.echo(f"say who is calling: {yes_no[found.say_who_is_calling]}")
    click.echo(f"call:               {found.call_sid}")
    click.echo(f"purpose:            {PURPOSE_LABELS.get(found.purpose, found.purpose)}")
    due = found.due_at.astimezone(zone).isoformat() if found.due_at else "-"
    overdue = " (overdue)" if found.overdue(dt.datetime.now(dt.UTC)) else ""
    click.echo(f"due:                {due}{overdue}")
    click.echo(f"assigned to:        {found.assigned_to or '-'}")
    if found.closed_reason:
        click.echo(f"closed:             {STATUS_LABELS.get(found.closed_reason, found.closed_reason)}")
    click.echo(f"attempts:           {len(found.attempts)}")
    for attempt in found.attempts:
        click.echo(
            f"  {attempt.at.isoformat()}  {OUTCOME_LABELS.get(attempt.outcome, attempt.outcome)} ({attempt.staff})"
        )
    click.echo("history:")
    for change in found.history:
        note = f": {change.note}" if change.note else ""
        click.echo(f"  {change.at.isoformat()}  {STATUS_LABELS.get(change.status, change.status)}{note}")


@callbacks.command("done")
@click.argument("reference")
@click.option("--note", default="", help="A note kept (sealed) with the change.")
def done_command(reference, note):
    """Mark a request done."""
    from .store import StoreError

    store = _store_or_fail()
    try:
        changed = _run(lambda: store.set_status(reference, "done", dt.datetime.now(dt.UTC), note))
    except StoreError as exc:
        fail(str(exc))
    click.echo(f"{changed.reference}: done")


@callbacks.command("purge")
def purge_command():
    """Remove requests past their retention (IVR_RETENTION_DAYS from booking, default 90; closed with no
    contact made or could not reach: IVR_RETENTION_NO_CONTACT_DAYS or IVR_RETENTION_COULD_NOT_REACH_DAYS
    after closing) and stale drafts."""
    store = _store_or_fail(need_key=False)
    removed = _run(lambda: store.purge(dt.datetime.now(dt.UTC)))
    click.echo(f"purged {removed} callback request(s) older than {store.retention.days} days")
    from ..reports.summary import purge_configured

    events, days = _run(lambda: purge_configured(store.db))
    click.echo(f"purged {events} journey event(s) older than {days} days (their daily totals are kept)")
