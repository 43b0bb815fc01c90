"""Staff read words, not ids: where a prompt is heard and its first words, languages by
name, times in UK time, and translations whose English changed since they were made.

Codes (`en-GB`, node ids, UTC timestamps) are turned into words here, in one place,
and offered to every template as filters.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from ..flow import model
from . import tree
from .models import PromptVersion

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
    return name if name.lower().endswith(kind) else f"{name} {kind}"  # "Help menu", not "Help menu menu"


def node_label(flow: model.Flow, node_id: str) -> str:
    """'Main menu: "If the offender has contacted you..."': a point of the call tree as staff know it,
    by where it is and the first words callers hear there (in the line's first language)."""
    node = flow.nodes.get(node_id)
    if node is None:
        return f"{node_id.replace('_', ' ').capitalize()} (no longer in the call tree)"
    prompts = tree.node_prompts(node)
    if not prompts:
        return place_name(node)
    # Its own words, not a line several points share ("You can press any key to skip...").
    language = flow.settings.default_language
    shared = {
        flow.prompts.text(p, language)
        for other in flow.nodes.values()
        if other is not node
        for p in tree.node_prompts(other)
    }
    texts = [flow.prompts.text(p, language) for p in prompts]
    own = next((text for text in texts if text not in shared), texts[0])
    return f'{place_name(node)}: "{first_words(own, 6)}"'


def first_words(text: str | None, count: int = FIRST_WORDS) -> str:
    words = (text or "").split()
    return " ".join(words[:count]) + ("..." if len(words) > count else "")


def prompt_title(flow: model.Flow, prompt_id: str, text: str | None) -> str:
    """'Protection guidance: The victim liaison officer will ask...'."""
    nodes = [n for n in tree.walk(flow) if prompt_id in tree.node_prompts(n)]
    place = place_name(nodes[0]) if nodes else "Said by the line itself"
    return f"{place}: {first_words(text)}"


def stale_translations(session, source_language: str, languages) -> set[tuple[str, str]]:
    """{(prompt id, language)} whose words were last set before their English words last changed.

    The English changed when a version of it was published; a translation is in step again once
    a version of it is published (new words, or the same words confirmed).
    """
    return stale_from_latest(latest_versions(session), source_language, languages)


def latest_versions(session) -> dict[tuple[str, str], int]:
    """{(language, prompt id): id of its newest published version}."""
    rows = session.execute(
        select(PromptVersion.language, PromptVersion.prompt_id, func.max(PromptVersion.id)).group_by(
            PromptVersion.language, PromptVersion.prompt_id
        )
    ).all()
    return {(language, prompt_id): newest for language, prompt_id, newest in rows}


def stale_from_latest(latest, source_language: str, languages) -> set[tuple[str, str]]:
    stale = set()
    for (language, prompt_id), newest in latest.items():
        if language != source_language:
            continue
        for other in set(languages) - {source_language}:
            if latest.get((other, prompt_id), 0) < newest:
                stale.add((prompt_id, other))
    return stale


def init_app(bp) -> None:
    bp.add_app_template_filter(language_name, "language_name")
    bp.add_app_template_filter(uk_time, "uk_time")
    bp.add_app_template_filter(uk_due, "uk_due")
