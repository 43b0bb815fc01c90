"""The Reports page (managers and admins): a period's figures in tables and SVG bars, and a CSV of them."""

from __future__ import annotations

import datetime as dt

from flask import Response, current_app, render_template, request
from markupsafe import Markup

from ..journey import line_day
from ..journey.report import as_json, collect, versions
from . import bp, reportpage, words
from .access import requires

DEFAULT_DAYS = 30
# How far back a period may start: no line keeps journey figures longer (and no date sum overflows).
KEPT_DAYS = 3652


def period() -> tuple[dt.date, dt.date, dict[str, str]]:
    """The period asked for (from/to, YYYY-MM-DD), or the last 30 days; problems in words.

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
            day = dt.date.fromisoformat(value)
        except ValueError:
            errors[name] = f"Enter the {which} day as a date like 2026-11-25"
            return default
        if not earliest <= day <= today:
            errors[name] = f"Enter a {which} day from {earliest.isoformat()} to {today.isoformat()}"
            return default
        return day

    until = read("to", today)
    since = read("from", max(earliest, until - dt.timedelta(days=DEFAULT_DAYS - 1)))
    if since > until:
        errors["from"] = "The first day must be on or before the last day"
        since = until
    return since, until, errors


def figures_for(since, until):
    flow = current_app.extensions["ivr.line"]().flow
    today = line_day(current_app.config["IVR_CLOCK"]())
    totals = collect(current_app.extensions["ivr.db"], since, until, today)
    return flow, totals, as_json(flow, totals)


@bp.get("/reports")
@requires("reports")
def reports():
    """Calls, outcomes, the journey through the tree, languages, more time, time to a person, a node by version."""
    since, until, errors = period()
    flow, totals, figures = figures_for(since, until)
    minimum = int(current_app.config["IVR_REPORT_MIN_COUNT"])
    tables = reportpage.page_tables(figures, minimum, flow)
    charts = {}
    for name, data in tables.items():
        if isinstance(data, reportpage.Table):
            charts[name] = Markup(data.svg.replace("{id}", f"chart-{name}"))
    compare = request.args.get("node", "").strip()
    compared = []
    if compare in figures["nodes"]:
        for version, counts in versions(totals, compare).items():
            cells = {k: reportpage.Cell(v, 0 < v < minimum) for k, v in counts.items()}
            compared.append((version, cells))
    funnel = reportpage.funnel(figures, minimum, flow)
    names = {row["id"]: row["name"] for row in funnel}
    return render_template(
        "admin/reports.html",
        since=since,
        until=until,
        errors=errors,
        tables=tables,
        charts=charts,
        funnel=funnel,
        minimum=minimum,
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
    flow, _totals, figures = figures_for(since, until)
    minimum = int(current_app.config["IVR_REPORT_MIN_COUNT"])
    body = reportpage.as_csv(figures, minimum, flow)
    name = f"line-report-{since.isoformat()}-to-{until.isoformat()}.csv"
    return Response(body, mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="{name}"'})
