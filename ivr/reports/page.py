"""The Reports page's tables: the journey report in words, small numbers suppressed, and SVG bars.

Every chart is a table first (title, rows of label and count); the SVG is drawn
from the same rows, with each bar labelled by its figure in text, so nothing is
told by colour alone. Counts from 1 to IVR_REPORT_MIN_COUNT - 1 show as "fewer
than N"; when a table with a total would have exactly one such cell, the next
smallest cell is held back too, so no cell can be worked back from the total, and
it says so (HELD_BACK): it is not a small number and never claims to be one.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field

from ..staff import words

OUTCOME_WORDS = {  # the endings, in the page's order (hung_up is the same calls as gave_up: shown once)
    "callback_booked": "Booked a callback",
    "transferred": "Put through to a person",
    "goodbye": "Heard what they needed and the line said goodbye",
    "gave_up": "Gave up: hung up before any ending",
    "silence_limit": "Ended by the line after 5 minutes of silence",
    "no_end_seen": "Still in progress, or the end was not reported",
}
TO_PERSON_WORDS = {
    "under_30s": "Under 30 seconds",
    "30s_to_1m": "30 seconds to 1 minute",
    "1m_to_2m": "1 to 2 minutes",
    "2m_to_5m": "2 to 5 minutes",
    "5m_or_more": "5 minutes or more",
}
DIAL_WORDS = {"completed": "answered", "busy": "busy", "no-answer": "not answered", "failed": "could not connect"}
LANGUAGE_WORDS = {"en-GB": "English", "cy-GB": "Welsh"}
STRUGGLE_RATE = 0.25  # a quarter of visits with a menu timeout, a wrong key or asking to hear it again
LABEL_CHARACTERS = 38  # a chart label's line at most (13px text in 260px); longer labels wrap, never cut


HELD_BACK = "held back so a small number cannot be worked out"


@dataclass
class Cell:
    """A figure as staff may see it: `hidden` when not shown; `held` when hidden only to protect another."""

    count: int
    hidden: bool = False
    held: bool = False

    def words(self, minimum: int) -> str:
        if self.held:
            return HELD_BACK
        return f"fewer than {minimum}" if self.hidden else f"{self.count:,}"


@dataclass
class Table:
    title: str
    rows: list[tuple[str, Cell]]
    total: Cell | None = None
    note: str = ""
    svg: str = ""
    extra: dict = field(default_factory=dict)


def suppress(counts: list[int], minimum: int, with_total: bool) -> list[Cell]:
    cells = [Cell(c, 0 < c < minimum) for c in counts]
    hidden = [c for c in cells if c.hidden]
    if with_total and len(hidden) == 1:
        shown = sorted((c for c in cells if not c.hidden and c.count > 0), key=lambda c: c.count)
        if shown:
            shown[0].hidden = shown[0].held = True  # secondary suppression: the total cannot give the first away
    return cells


def table(title: str, labelled: list[tuple[str, int]], minimum: int, with_total=True, note="") -> Table:
    cells = suppress([c for _label, c in labelled], minimum, with_total)
    total = None
    if with_total:
        count = sum(c for _label, c in labelled)
        total = Cell(count, 0 < count < minimum)
    out = Table(title, [(label, cell) for (label, _c), cell in zip(labelled, cells, strict=True)], total, note)
    out.svg = bars(out, minimum)
    return out


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def bars(data: Table, minimum: int) -> str:
    """A horizontal bar chart of a table: each bar with its label and its figure in words."""
    rows = data.rows
    width, label_width, row_height = 640, 260, 26
    height = row_height * len(rows) + 34
    peak = max([cell.count for _l, cell in rows if not cell.hidden] + [1])
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="ivr-chart" role="img" viewBox="0 0 {width} {height}" '
        f'width="100%" aria-labelledby="{{id}}-title">',
        f'<title id="{{id}}-title">{_escape(data.title)}</title>',
    ]
    y = 28
    for label, cell in rows:
        lines = wrap(label)
        size = 0 if cell.hidden else int((width - label_width - 110) * cell.count / peak)
        spans = "".join(
            f'<tspan x="0" dy="{0 if i == 0 else 15}">{_escape(line)}</tspan>' for i, line in enumerate(lines)
        )
        parts.append(f'<text x="0" y="{y + 14}" font-size="13">{spans}</text>')
        if size:
            parts.append(f'<rect x="{label_width}" y="{y}" width="{size}" height="18" fill="#1d70b8"></rect>')
        figure = cell.words(minimum)
        if cell.held:  # the long words go under the bar's place, in two lines
            figure = "".join(
                f'<tspan x="{label_width + 6}" dy="{0 if i == 0 else 15}">{_escape(line)}</tspan>'
                for i, line in enumerate(wrap(figure, 48))
            )
        parts.append(f'<text x="{label_width + size + 6}" y="{y + 14}" font-size="13">{figure}</text>')
        y += row_height + 15 * max(len(lines) - 1, 1 if cell.held else 0)
    parts.append("</svg>")
    parts[0] = parts[0].replace(f'viewBox="0 0 {width} {height}"', f'viewBox="0 0 {width} {y + 6}"')
    return "".join(parts)


def wrap(text: str, limit: int = LABEL_CHARACTERS) -> list[str]:
    """A label in lines of at most `limit` characters, broken between words (a longer word alone on its line)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= limit:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def page_tables(figures: dict, minimum: int, flow, days=None) -> dict:
    """The page's tables from `as_json` figures (numbers suppressed); `days`: (day, calls) for every day of the
    period (else the days with calls in `figures`)."""
    if days is None:
        days = [(dt.date.fromisoformat(day), count) for day, count in figures["days"].items()]
    languages = {code: LANGUAGE_WORDS.get(code, code) for code in figures["languages"]}
    endings = [(OUTCOME_WORDS[k], figures["outcomes"].get(k, 0)) for k in OUTCOME_WORDS]
    endings += [(k, v) for k, v in figures["outcomes"].items() if k not in OUTCOME_WORDS and k != "hung_up"]
    tables = {
        "days": table("Calls each day", [(words.day_words(day), count) for day, count in days], minimum),
        "outcomes": table("How calls ended", endings, minimum),
        "languages": table("Calls by language", [(languages[k], v) for k, v in figures["languages"].items()], minimum),
        "to_person": table(
            "Time from the start of the call to being put through to a person",
            [(TO_PERSON_WORDS.get(k, k), v) for k, v in figures["time_to_person"].items()],
            minimum,
        ),
    }
    transfer_rows = [
        (f"{name}: {DIAL_WORDS.get(status, status)}", count)
        for name, row in figures["transfers"].items()
        for status, count in row.items()
    ]
    tables["transfers"] = table("Transfers, by where and how they ended", transfer_rows, minimum)
    tables["more_time"] = Cell(figures["more_time"], 0 < figures["more_time"] < minimum)
    return tables


def funnel(figures: dict, minimum: int, flow, extras: dict | None = None) -> list[dict]:
    """Each node in call-tree order: entered, left there, silence (menu timeouts) and wrong-key rates, and a flag in
    words where callers struggle: timeouts, wrong keys and asking to hear it again (`extras`: report.node_extras)."""
    out = []
    labels = words.node_labels(flow)
    extras = extras or {}
    for node_id, counts in figures["nodes"].items():
        node = flow.nodes.get(node_id)
        entered = counts["entered"]
        again = (extras.get(node_id) or {}).get("again", 0)
        cells = {name: Cell(value, 0 < value < minimum) for name, value in counts.items()}
        rates = {}
        for name in ("silence", "wrong_key"):
            shown = entered >= minimum and not cells[name].hidden
            rates[name] = f"{100 * counts[name] / entered:.0f}%" if shown and entered else ("" if shown else "-")
        struggle = ""
        if node is not None and node.kind in ("menu", "language") and entered >= minimum:
            rate = (counts["silence"] + counts["wrong_key"] + again) / entered
            if rate >= STRUGGLE_RATE:
                struggle = (
                    f"Callers struggle here: about {round(rate * 100)} in every 100 times callers reached this menu "
                    "they let it time out, pressed a key that is not a choice or asked to hear it again"
                )
        out.append(
            {
                "id": node_id,
                "name": words.node_label(flow, node_id, labels),
                "kind": node.kind if node else "removed",
                "cells": cells,
                "rates": rates,
                "struggle": struggle,
            }
        )
    return out


def as_csv(figures: dict, minimum: int, flow, days=None, give_up=()) -> str:
    """The page's tables as one CSV file (the same suppression); `give_up`: the rows of "Where callers give up"."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["table", "row", "count"])
    for row in give_up:
        for name, title in (("reached", "reached"), ("gave_up", "gave up")):
            figure = row[name].words(minimum).replace(",", "")
            writer.writerow(["Where callers give up", f"{row['name']}: {title}", figure])
        writer.writerow(["Where callers give up", f"{row['name']}: share who gave up", row["share"]])
    for data in page_tables(figures, minimum, flow, days).values():
        if not isinstance(data, Table):
            continue
        for label, cell in data.rows:
            writer.writerow([data.title, label, cell.words(minimum).replace(",", "")])
        if data.total is not None:
            writer.writerow([data.title, "Total", data.total.words(minimum).replace(",", "")])
    for row in funnel(figures, minimum, flow):
        for name in ("entered", "left", "silence", "wrong_key"):
            writer.writerow(
                [
                    "Journey through the call tree",
                    f"{row['name']}: {name.replace('_', ' ')}",
                    row["cells"][name].words(minimum).replace(",", ""),
                ]
            )
    return buffer.getvalue()
