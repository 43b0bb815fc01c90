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
import io
from dataclasses import dataclass, field

from . import words

OUTCOME_WORDS = {
    "callback_booked": "Booked a callback",
    "transferred": "Put through to a person",
    "goodbye": "Heard what they needed and the line said goodbye",
    "hung_up": "Hung up before the end",
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
STRUGGLE_RATE = 0.25  # a quarter of visits ending in silence or a wrong key


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
    for n, (label, cell) in enumerate(rows):
        y = 28 + n * row_height
        size = 0 if cell.hidden else int((width - label_width - 110) * cell.count / peak)
        parts.append(f'<text x="0" y="{y + 14}" font-size="13">{_escape(label[:40])}</text>')
        if size:
            parts.append(f'<rect x="{label_width}" y="{y}" width="{size}" height="18" fill="#1d70b8"></rect>')
        parts.append(f'<text x="{label_width + size + 6}" y="{y + 14}" font-size="13">{cell.words(minimum)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def page_tables(figures: dict, minimum: int, flow) -> dict:
    """The page's tables from `as_json` figures (numbers suppressed)."""
    days = [(day, count) for day, count in figures["days"].items()]
    languages = {code: LANGUAGE_WORDS.get(code, code) for code in figures["languages"]}
    tables = {
        "days": table("Calls each day", days, minimum),
        "outcomes": table(
            "How calls ended", [(OUTCOME_WORDS.get(k, k), v) for k, v in figures["outcomes"].items()], minimum
        ),
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


def funnel(figures: dict, minimum: int, flow) -> list[dict]:
    """Each node in call-tree order: entered, left there, silence and wrong-key rates, and a flag in words."""
    out = []
    labels = words.node_labels(flow)
    for node_id, counts in figures["nodes"].items():
        node = flow.nodes.get(node_id)
        entered = counts["entered"]
        cells = {name: Cell(value, 0 < value < minimum) for name, value in counts.items()}
        rates = {}
        for name in ("silence", "wrong_key"):
            shown = entered >= minimum and not cells[name].hidden
            rates[name] = f"{100 * counts[name] / entered:.0f}%" if shown and entered else ("" if shown else "-")
        struggle = ""
        if node is not None and node.kind in ("menu", "language") and entered >= minimum:
            rate = (counts["silence"] + counts["wrong_key"]) / entered
            if rate >= STRUGGLE_RATE:
                struggle = (
                    f"Callers struggle here: about {round(rate * 100)} in every 100 times callers reached this menu "
                    "they said nothing or pressed a key that is not a choice"
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


def as_csv(figures: dict, minimum: int, flow) -> str:
    """The page's tables as one CSV file (the same suppression)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["table", "row", "count"])
    for data in page_tables(figures, minimum, flow).values():
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
