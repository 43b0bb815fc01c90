"""`ivr report`: the line's figures for a period, from a terminal (exact, for the operator)."""

from __future__ import annotations

import datetime as dt
import json
import sys

import click
from sqlalchemy.exc import SQLAlchemyError


def _day(value):
    return value.date() if isinstance(value, dt.datetime) else value


@click.command("report")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.option(
    "--since", type=click.DateTime(formats=["%Y-%m-%d"]), help="First day (YYYY-MM-DD); default the first day known."
)
@click.option("--until", type=click.DateTime(formats=["%Y-%m-%d"]), help="Last day (YYYY-MM-DD); default today.")
def report_command(as_json, since, until):
    """Calls, languages, outcomes, transfers and each node's figures for a period (exact counts)."""
    from ..db import Database
    from ..errors import FlowError
    from ..flow import load_flow
    from ..instance import app_config
    from .days import line_day
    from .report import as_json as shape
    from .report import collect, first_day

    config = app_config()
    try:
        flow = load_flow(config["IVR_FLOW"], config.get("IVR_PROMPTS"))
    except FlowError as exc:
        click.echo(f"ivr report: the call tree fails its checks; run `ivr check`:\n{exc}", err=True)
        sys.exit(1)
    today = line_day(dt.datetime.now(dt.UTC))
    until = _day(until) or today
    db = Database(config["IVR_DATABASE_URL"])
    try:
        if since is None:
            with db.session() as session:
                since = first_day(session) or until
        since = _day(since)
        if since > until:
            raise click.UsageError("--since is after --until")
        figures = shape(flow, collect(db, since, until, today))
    except SQLAlchemyError as exc:
        click.echo(f"ivr report: the database cannot be read: {exc.__class__.__name__}", err=True)
        sys.exit(1)
    finally:
        db.dispose()
    if as_json:
        click.echo(json.dumps(figures, indent=1))
        return
    click.echo(f"{figures['from']} to {figures['to']}: {figures['calls']} call(s)")
    for title in ("languages", "outcomes", "callbacks", "time_to_person"):
        click.echo(f"{title}: " + ", ".join(f"{k} {v}" for k, v in figures[title].items()))
    for name, row in figures["transfers"].items():
        click.echo(f"transfers to {name}: " + ", ".join(f"{k} {v}" for k, v in row.items()))
    click.echo(f"{'node':<28}{'entered':>9}{'left':>7}{'gave up':>9}{'silence':>9}{'wrong key':>11}")
    for node_id, row in figures["nodes"].items():
        click.echo(
            f"{node_id:<28}{row['entered']:>9}{row['left']:>7}{row['gave_up']:>9}{row['silence']:>9}"
            f"{row['wrong_key']:>11}"
        )
