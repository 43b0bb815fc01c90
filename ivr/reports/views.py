"""The Reports page (managers and admins): a period's figures in tables and SVG bars, and a CSV of them."""

from __future__ import annotations

import datetime as dt

from flask import Response, current_app, render_template, request
from markupsafe import Markup

from ..staff import staff_blueprint, words
from ..staff.access import requires
from . import endings as report_endings
from . import page as reportpage
from . import version_names as report_versions
from .days import line_day
from .report import as_json, collect, every_day, node_extras, versions

bp = staff_blueprint("reports", __name__)

DEFAULT_DAYS = 30
# How far back a period may start: no line keeps journey figures longer (and no date sum overflows).
KEPT_DAYS = 3652


def period() -> tuple[dt.date, dt.date, dict[str, str]]:
    """The period asked for (from/to, typed as on the Calendar page: 25/11/2026; 2026-11-25 is read too), or the
    last 30 days; problems in words.

    A day is one the line can have figures for: today or up to ten years before it. Anything else
    (a typo like 0001-01-01 or 9999-12-31) is refused at its field rather than run off the calendar.
    """
    today = line_day(current_app.config["IVR_CLOCK"]())
    earliest = today - dt.timedelta(days=KEPT_DAYS)
    errors: dict[str, str] = {}

    def read(name, default):
        value = request.args.get(name, "").strip()
        which = "first" if name == "from" else "last"
        if not value:
            return default
        try:
            day = words.read_day(value)
        except ValueError:
            errors[name] = f"Enter the {which} day as day, month and year, for example 24/12/2026"
            return default
        if name == "from" and "to" not in errors and earliest <= until < day:  # the two days the wrong way round
            errors[name] = "The first day must be on or before the last day"
            return default
        if not earliest <= day <= today:
            errors[name] = f"Enter a {which} day from {words.typed_day(earliest)} to {words.typed_day(today)}"
            return default
        return day

    until = read("to", today)
    since = read("from", max(earliest, until - dt.timedelta(days=DEFAULT_DAYS - 1)))
    if not errors and since > until:
        errors["from"] = "The first day must be on or before the last day"
    return since, until, errors


def figures_for(since, until):
    flow = current_app.extensions["ivr.line"]().flow
    today = line_day(current_app.config["IVR_CLOCK"]())
    totals = collect(current_app.extensions["ivr.db"], since, until, today)
    return flow, totals, as_json(flow, totals)


def typed(name: str, day: dt.date) -> str:
    """What the field shows: what was typed when it was refused, else the day as staff type it."""
    return request.args.get(name, "").strip() or words.typed_day(day)


@bp.get("/reports")
@requires("reports")
def reports():
    """Where callers give up, how calls ended, the journey through the tree, languages, more time, time to a person,
    transfers, a node by published version; a refused period shows its error alone."""
    since, until, errors = period()
    if errors:
        values = {"from": typed("from", since), "to": typed("to", until)}
        return render_template("reports/reports.html", errors=errors, values=values, hint=words.DAY_HINT)
    flow, totals, figures = figures_for(since, until)
    minimum = int(current_app.config["IVR_REPORT_MIN_COUNT"])
    extras = node_extras(totals)
    tables = reportpage.page_tables(figures, minimum, flow, every_day(totals))
    charts = {}
    for name, data in tables.items():
        if isinstance(data, reportpage.Table):
            charts[name] = Markup(data.svg.replace("{id}", f"chart-{name}"))
    compare = request.args.get("node", "").strip()
    compared = []
    if compare in figures["nodes"]:
        by_version = versions(totals, compare)
        with current_app.extensions["ivr.db"].session() as session:
            named = report_versions.names(session, list(by_version))
        for version, counts in by_version.items():
            cells = {k: reportpage.Cell(v, 0 < v < minimum) for k, v in counts.items()}
            compared.append((named[version], cells))
    funnel = reportpage.funnel(figures, minimum, flow, extras)
    names = {row["id"]: row["name"] for row in funnel}
    give_up = report_endings.rows(figures, extras, minimum, flow)
    return render_template(
        "reports/reports.html",
        since=since,
        until=until,
        errors=errors,
        values={"from": words.typed_day(since), "to": words.typed_day(until)},
        hint=words.DAY_HINT,
        tables=tables,
        charts=charts,
        funnel=funnel,
        give_up=give_up,
        worst=report_endings.worst(give_up, minimum),
        minimum=minimum,
        held_back=reportpage.HELD_BACK,
        calls=reportpage.Cell(figures["calls"], 0 < figures["calls"] < minimum),
        nodes=list(names.items()),
        compare=compare,
        compare_name=names.get(compare) or (words.node_label(flow, compare) if compare else ""),
        compared=compared,
    )


@bp.get("/reports.csv")
@requires("reports")
def reports_csv():
    """The page's tables as CSV, with the same small numbers held back."""
    since, until, errors = period()
    if errors:
        return Response("\n".join(errors.values()) + "\n", status=400, mimetype="text/plain")
    flow, totals, figures = figures_for(since, until)
    minimum = int(current_app.config["IVR_REPORT_MIN_COUNT"])
    give_up = report_endings.rows(figures, node_extras(totals), minimum, flow)
    body = reportpage.as_csv(figures, minimum, flow, every_day(totals), give_up)
    name = f"line-report-{since.isoformat()}-to-{until.isoformat()}.csv"
    return Response(body, mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="{name}"'})
