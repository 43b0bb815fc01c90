"""`ivr callbacks`: the callback queue from a terminal (list, show, done, purge).

Reads IVR_DATABASE_URL and IVR_DATA_KEY the way the app does (the environment,
the instance folder's config.py, then its local key), without needing the
Twilio token. Exit codes: 0 fine, 1 a problem (no key, no such reference,
database unreachable), 2 misuse.
"""

from __future__ import annotations

import datetime as dt
import json
import sys

import click
from sqlalchemy.exc import SQLAlchemyError

from ..errors import ConfigError
from .models import STATUS_LABELS, STATUSES


def open_store():
    """The store for the configured database and key, as the app would make it."""
    from flask import Config

    from .. import default_config
    from ..db import Database
    from ..instance import instance_folder
    from . import make_store

    instance = instance_folder()
    config = Config(str(instance))
    config.update(default_config(str(instance)))
    config.from_pyfile("config.py", silent=True)
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
    """'in progress', 'in-progress' and 'in_progress' are one status."""
    if value is None:
        return None
    status = value.strip().lower().replace(" ", "_").replace("-", "_")
    if status not in STATUSES:
        raise click.BadParameter(f"use one of: {', '.join(STATUSES)}")
    return status


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


@callbacks.command("list")
@click.option(
    "--json", "as_json", is_flag=True, help="Print a JSON array (call_sid, number, status, created_at, reference...)."
)
@click.option("--status", "status", help="Only requests with this status: new, in_progress, done, could_not_reach.")
def list_command(as_json, status):
    """List callback requests, oldest first."""
    status = _status(status)
    store = _store_or_fail()
    requests = _run(lambda: store.list(status))
    if as_json:
        click.echo(json.dumps([r.as_json() for r in requests], indent=2))
        return
    if not requests:
        click.echo("no callback requests" + (f" with status {STATUS_LABELS[status]}" if status else ""))
        return
    click.echo(f"{'REFERENCE':<10} {'STATUS':<16} {'CREATED (UTC)':<17} {'NUMBER':<16} {'SAFE TIME':<10} LANGUAGE")
    for r in requests:
        click.echo(
            f"{r.reference:<10} {STATUS_LABELS.get(r.status, r.status):<16} "
            f"{r.created_at:%Y-%m-%d %H:%M} {r.number or '(cannot open)':<16} {r.safe_time or '-':<10} {r.language}"
        )


@callbacks.command("show")
@click.argument("reference")
def show_command(reference):
    """Show one request: its number, safety answers and history."""
    store = _store_or_fail()
    found = _run(lambda: store.get(reference))
    if found is None:
        fail(f"no callback request with reference {reference!r}")
    yes_no = {True: "yes", False: "no", None: "-"}
    click.echo(f"reference:          {found.reference}")
    click.echo(f"number:             {found.number or '(cannot open with IVR_DATA_KEY)'}")
    click.echo(
        f"status:             {STATUS_LABELS.get(found.status, found.status)} since {found.status_at.isoformat()}"
    )
    click.echo(f"created:            {found.created_at.isoformat()}")
    click.echo(f"language:           {found.language}")
    click.echo(f"safe time:          {found.safe_time or '-'}")
    click.echo(f"voicemail safe:     {yes_no[found.voicemail_ok]}")
    click.echo(f"say who is calling: {yes_no[found.say_who_is_calling]}")
    click.echo(f"call:               {found.call_sid}")
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
    """Remove requests older than IVR_RETENTION_DAYS (default 90) and stale drafts."""
    store = _store_or_fail(need_key=False)
    removed = _run(lambda: store.purge(dt.datetime.now(dt.UTC)))
    click.echo(f"purged {removed} callback request(s) older than {store.retention.days} days")
