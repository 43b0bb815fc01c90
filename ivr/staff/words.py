"""Staff read words, not ids: where a prompt is heard and its first words, languages by
name, times in UK time, and translations whose English changed since they were made.

Codes (`en-GB`, node ids, UTC timestamps) are turned into words here, in one place,
and offered to every template as filters.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from zoneinfo import ZoneInfo

from ..flow import model, tree

UK = ZoneInfo("Europe/London")
LANGUAGE_NAMES = {"en-GB": "English", "cy-GB": "Cymraeg"}
PLACE_KINDS = {
    "guidance": "guidance",
    "menu": "menu",
    "language": "language choice",
    "hours": "opening hours check",
    "transfer": "transfer",
    "callback": "callback booking",
    "goodbye": "goodbye",
}
FIRST_WORDS = 8
STALE_TRANSLATION = "English changed since this translation"


def language_name(code: str) -> str:
    return LANGUAGE_NAMES.get(code, code)


def uk_time(moment: dt.datetime) -> str:
    """'25 November 2026 at 09:05' in Europe/London (stored times are UTC; SQLite gives them naive)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(UK).strftime("%-d %B %Y at %H:%M")


def uk_due(moment: dt.datetime) -> str:
    """'Wednesday 30 December 2026, by 17:00' in Europe/London: when a callback is due."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(UK).strftime("%A %-d %B %Y, by %H:%M")


def place_name(node: model.Node) -> str:
    """'Protection guidance', 'Main menu': a node as staff say it."""
    name = node.id.replace("_", " ").capitalize()
    kind = PLACE_KINDS.get(node.kind, node.kind)
    if name.lower().endswith(kind):
        return name  # "Help menu", not "Help menu menu"
    # The words the name ends with and the kind begins with are said once: "Protection callback booking",
    # not "Protection callback callback booking".
    said, kinds = name.split(), kind.split()
    for overlap in range(min(len(said), len(kinds)), 0, -1):
        if [w.lower() for w in said[-overlap:]] == kinds[:overlap]:
            return " ".join(said + kinds[overlap:])
    return f"{name} {kind}"


def day_words(day: dt.date) -> str:
    """'Wednesday 25 November 2026': a day as the staff area shows it (as the Calendar page does)."""
    return f"{day:%A} {day.day} {day:%B %Y}"


DAY_HINT = "For example, 24/12/2026"
_TYPED_DAY = re.compile(r"^(\d{1,2})[\s/.\-](\d{1,2})[\s/.\-](\d{4})$")
_ISO_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def typed_day(day: dt.date) -> str:
    """'25/11/2026': a day as staff type it (day, month, year, as on the Calendar page)."""
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def read_day(text: str) -> dt.date:
    """'25/11/2026', '25 11 2026' or '2026-11-25' -> a date; ValueError when it is not one."""
    text = (text or "").strip()
    iso, typed = _ISO_DAY.match(text), _TYPED_DAY.match(text)
    if iso:
        return dt.date(int(iso[1]), int(iso[2]), int(iso[3]))
    if typed:
        return dt.date(int(typed[3]), int(typed[2]), int(typed[1]))
    raise ValueError(f"not a day: {text[:20]!r}")


def node_labels(flow: model.Flow) -> dict[str, str]:
    """{node id: 'Main menu: "For help and support after the..."'}: each point of the call tree as staff know it,
    by where it is and the first of its own words callers hear there (in the line's first language) — not a line
    several points share ("Press any key to skip to the choices")."""
    language = flow.settings.default_language
    texts = {n.id: [flow.prompts.text(p, language) for p in tree.node_prompts(n)] for n in flow.nodes.values()}
    places = Counter(text for node_texts in texts.values() for text in set(node_texts))  # points saying each text
    labels = {}
    for node in flow.nodes.values():
        said = texts[node.id]
        own = next((text for text in said if places[text] == 1), said[0] if said else None)
        labels[node.id] = place_name(node) if own is None else f'{place_name(node)}: "{first_words(own, 6)}"'
    return labels


def node_label(flow: model.Flow, node_id: str, labels: dict[str, str] | None = None) -> str:
    """One point's label (see node_labels, which `labels` may already hold); a point gone from the tree says so."""
    label = (labels if labels is not None else node_labels(flow)).get(node_id)
    return label or f"{node_id.replace('_', ' ').capitalize()} (no longer in the call tree)"


def first_words(text: str | None, count: int = FIRST_WORDS) -> str:
    words = (text or "").split()
    return " ".join(words[:count]) + ("..." if len(words) > count else "")


def prompt_title(flow: model.Flow, prompt_id: str, text: str | None) -> str:
    """'Protection guidance: The victim liaison officer will ask...'."""
    nodes = [n for n in tree.walk(flow) if prompt_id in tree.node_prompts(n)]
    place = place_name(nodes[0]) if nodes else "Said by the line itself"
    return f"{place}: {first_words(text)}"


def init_app(bp) -> None:
    bp.add_app_template_filter(language_name, "language_name")
    bp.add_app_template_filter(uk_time, "uk_time")
    bp.add_app_template_filter(uk_due, "uk_due")
    bp.add_app_template_filter(day_words, "day_words")
    bp.add_app_template_filter(typed_day, "typed_day")
