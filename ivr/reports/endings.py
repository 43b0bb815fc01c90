"""The Reports page's answer to "where do callers give up?": for each point of the call tree, the callers who
reached it, those who hung up there before any ending (not booked, not put through, not the line's goodbye, not
ended by the silence rule) and that as a share; the three worst named in a sentence. Small numbers held back as
everywhere on the page (reportpage.Cell)."""

from __future__ import annotations

from ..staff import words
from .page import Cell

TOP = 3


def rows(figures: dict, extras: dict, minimum: int, flow) -> list[dict]:
    """Each point callers reached, in call-tree order: its label, place name, reached, gave up, share (words)."""
    labels = words.node_labels(flow)
    out = []
    for node_id, counts in figures["nodes"].items():
        reached = (extras.get(node_id) or {}).get("reached", 0)
        gave_up = counts["gave_up"]
        if not reached and not gave_up:
            continue
        reached_cell, gave_cell = Cell(reached, 0 < reached < minimum), Cell(gave_up, 0 < gave_up < minimum)
        shown = not reached_cell.hidden and not gave_cell.hidden and reached > 0
        node = flow.nodes.get(node_id)
        out.append(
            {
                "id": node_id,
                "name": words.node_label(flow, node_id, labels),
                "place": words.place_name(node) if node is not None else words.node_label(flow, node_id, labels),
                "reached": reached_cell,
                "gave_up": gave_cell,
                "share": f"{100 * gave_up / reached:.0f}%" if shown else "-",
            }
        )
    return out


def worst(table: list[dict], minimum: int) -> str:
    """'Most callers who give up do so at the help guidance: 8 of 8 who reached it; then ...' (or that none did)."""
    ranked = sorted((row for row in table if row["gave_up"].count), key=lambda row: -row["gave_up"].count)[:TOP]
    if not ranked:
        return "No caller hung up before an ending in this period."
    parts = [
        f"{_lower_first(row['place'])}: {row['gave_up'].words(minimum)} of {row['reached'].words(minimum)} "
        "who reached it"
        for row in ranked
    ]
    return "Most callers who give up do so at the " + "; then the ".join(parts) + "."


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]
