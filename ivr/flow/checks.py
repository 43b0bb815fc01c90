"""Whole-tree checks: targets, reachability, dead ends, prompts, numbers, accessibility.

Every problem names the file and line to change and says how to fix it. The
accessibility rules come from the brief's "What a caller must get": at most 4
choices a menu, keys 1..n in order with no gaps, the standard keys free on
every menu, every prompt in every language.
"""

from __future__ import annotations

import re
from collections import deque

import phonenumbers

from . import model
from .placeholders import placeholder
from .yamlfile import Problem

MAX_CHOICES = 4
# About 150 words a minute on the phone: 60 words is about 25 seconds.
MAX_PROMPT_WORDS = 60
SYSTEM_PROMPTS = (
    "sys.silence.first",
    "sys.silence.again",
    "sys.silence.person",
    "sys.wrong_key",
    "sys.not_understood",
    "sys.wrong_key.person",
    "sys.more_time",
    "sys.dial.busy",
    "sys.dial.no_answer",
    "sys.dial.failed",
    "sys.stale",
    "fallback.message",
    "fallback.number",
) + tuple(f"sys.digit.{n}" for n in range(10))  # numbers read back digit by digit


# The standard keys' introduction, said once early in every call: it must name every standard key.
KEY_GUIDE_PROMPT = "keys.intro"
# How a key may be written in the words (the digit itself is always accepted).
KEY_WORDS = {
    "*": ("star", "seren"),
    "#": ("hash", "stwnsh"),
    "0": ("zero", "nought", "dim"),
    "9": ("nine", "naw"),
}
KEY_NAMES = {"person": "a person", "repeat": "repeat", "back": "back", "more_time": "more time"}


def key_named(text: str, key: str) -> bool:
    """Whether `text` names `key` (the digit or symbol itself, or its spoken word)."""
    lowered = text.lower()
    if key.isdigit() and re.search(rf"(?<!\d){re.escape(key)}(?!\d)", lowered):
        return True
    if not key.isdigit() and key in lowered:
        return True
    return any(re.search(rf"\b{word}\b", lowered) for word in KEY_WORDS.get(key, ()))


def key_guide_problems(text: str, keys: model.Keys) -> list[str]:
    """The standard keys the key guide's words no longer name, as messages ([] when all are named)."""
    missing = [f"{KEY_NAMES[role]} ({key})" for role, key in keys.as_dict().items() if not key_named(text, key)]
    if not missing:
        return []
    return [
        f"the standard keys' introduction no longer names {', '.join(missing)}; callers learn the keys "
        "only here, so say every standard key"
    ]


def used_prompts(flow: model.Flow) -> dict[str, list[model.Node]]:
    """prompt id -> nodes that say it (system prompts map to no node)."""
    used: dict[str, list[model.Node]] = {}
    for node in flow.nodes.values():
        ids = list(getattr(node, "prompts", ())) + list(getattr(node, "intro", ()))
        ids += [c.prompt for c in getattr(node, "choices", ())]
        ids += list(getattr(node, "uses", ()))  # words a node kind says of its own (a callback's questions)
        for prompt_id in ids:
            used.setdefault(prompt_id, []).append(node)
    count = max((len(n.choices) for n in flow.nodes.values() if isinstance(n, model.Menu)), default=0)
    for n in range(1, count + 1):
        used.setdefault(f"sys.choices.{n}", [])
        used.setdefault(f"sys.press.{n}", [])
    for prompt_id in SYSTEM_PROMPTS:
        used.setdefault(prompt_id, [])
    return used


def check_flow(flow: model.Flow, context: dict) -> list[Problem]:
    doc = context.get("doc")
    file = doc.file if doc else flow.files[0]
    problems: list[Problem] = []

    def at(line, message, severity="error"):
        problems.append(Problem(file, line, message, severity))

    def setting_line(*path):
        return doc.line("settings", *path) if doc else 1

    s = flow.settings
    nodes = flow.nodes
    if s.entry not in nodes:
        at(setting_line("entry"), f"settings.entry {s.entry!r} is not a node; name the first node callers hear")
    if s.person_route not in nodes:
        at(
            setting_line("routes"),
            f"settings.routes.person {s.person_route!r} is not a node; name where key {s.keys.person} goes",
        )

    _check_numbers(flow, at, setting_line)
    standard = set(s.keys.as_dict().values())

    for node in nodes.values():
        label = f"{node.kind} {node.id!r}"
        for target in node.targets():
            if target and target not in nodes:
                at(node.line, f"{label} goes to unknown node {target!r}; known nodes: {', '.join(sorted(nodes))}")
        if isinstance(node, model.Menu):
            _check_menu(node, standard, at)
        elif isinstance(node, model.LanguageMenu):
            _check_language(node, s, at)
        elif isinstance(node, model.HoursBranch) and node.hours not in s.hours:
            at(node.line, f"{label}: hours {node.hours!r} is not in settings.hours ({', '.join(sorted(s.hours))})")
        elif isinstance(node, model.Transfer) and node.number not in s.numbers:
            at(
                node.line,
                f"{label}: number {node.number!r} is not in settings.numbers ({', '.join(sorted(s.numbers))})",
            )

    _check_reachable(flow, at)
    _check_guidance_loops(flow, at)
    _check_hours_loops(flow, at)
    _check_no_hang_up(flow, at, setting_line)
    _check_prompts(flow, context, problems)
    _check_key_guide(flow, context, problems)
    _check_working_days(flow, context, problems)
    return problems


# How each language says "N working days" (digits or words), so the caller hears the figure
# the due dates use (settings.callbacks.working_days). Welsh mutates "diwrnod" after "dau".
_NUMBER_WORDS = {
    "en": ("", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"),
    "cy": ("", "un", "dau", "tri", "pedwar", "pum|pump", "chwe|chwech", "saith", "wyth", "naw", "deg"),
}
_WORKING_DAYS = {"en": r"\b({n})\s+working\s+days?\b", "cy": r"\b({n})\s+n?d{{1,2}}iwrnod\s+gwaith\b"}
WORKING_DAYS_PROMPTS = ("callback.next", "callback.next.helpline")


def _check_working_days(flow: model.Flow, context: dict, problems: list[Problem]):
    """What the caller is told at booking names the same number of working days the due date uses."""
    if not any(isinstance(node, model.Callback) for node in flow.nodes.values()):
        return
    n = flow.settings.callback_working_days
    lines = context.get("prompt_lines", {})
    prompt_dir = context.get("prompt_dir")
    for code, texts in flow.prompts.texts.items():
        base = code.split("-")[0].lower()
        if base not in _WORKING_DAYS:
            continue
        pattern = re.compile(_WORKING_DAYS[base].format(n=f"{n}|{_NUMBER_WORDS[base][n]}"), re.IGNORECASE)
        for prompt_id in WORKING_DAYS_PROMPTS:
            if prompt_id in texts and not pattern.search(texts[prompt_id]):
                default = (f"{prompt_dir}/{code}.yaml" if prompt_dir else f"prompts/{code}.yaml", 1)
                pfile, pline = lines.get((code, prompt_id), default)
                problems.append(
                    Problem(
                        pfile,
                        pline,
                        f"prompt {prompt_id!r} ({code}) must tell the caller {n} working day(s), the figure "
                        f"settings.callbacks.working_days gives the due date; say it in the words",
                    )
                )


def _check_numbers(flow, at, setting_line):
    """Each number is E.164 and valid; a placeholder (placeholders.py) is refused once marked verified.

    The rule for placeholders: `ivr check` (and so `ivr serve`) warns while a placeholder is marked
    "verify before going live", so the shipped tree runs for trying the line; marked "verified", it is
    an error, since the status would then say something untrue. `ivr doctor` refuses it either way.
    """
    for name, number in flow.settings.numbers.items():
        line = setting_line("numbers", name, "e164")
        if not number.e164.startswith("+"):
            at(line, f"number {name}: {number.e164!r} is not E.164; write it {_as_e164(number.e164)}")
            continue
        try:
            parsed = phonenumbers.parse(number.e164, None)
        except phonenumbers.NumberParseException as exc:
            at(line, f"number {name}: {number.e164!r} is not a phone number ({exc}); write it {E164_EXAMPLE}")
            continue
        canonical = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
        stand_in = placeholder(name, canonical)
        if stand_in is not None:  # it says more than "not a valid number" (07700 900xxx is not) or "marked verify"
            if number.verified:
                at(line, f"number {name} is marked verified, but {stand_in.why}; {stand_in.fix}")
            else:
                at(
                    line,
                    f"number {name} is a placeholder: {stand_in.why}; before going live, {stand_in.fix}",
                    "warning",
                )
        elif not phonenumbers.is_valid_number(parsed):
            at(line, f"number {name}: {number.e164!r} is not a valid number; check the digits")
        if canonical != number.e164 and (stand_in is not None or phonenumbers.is_valid_number(parsed)):
            at(line, f"number {name}: {number.e164!r} is not in E.164; write it as {canonical}")
        if not number.verified and stand_in is None:
            at(setting_line("numbers", name, "status"), f"number {name} is marked {number.status!r}", "warning")


E164_EXAMPLE = "like +443000606699 (+44, then the UK number without its first 0, no spaces)"


def _as_e164(text: str) -> str:
    """How to write a number given in UK form ("0300 060 6699") in E.164, or the general example."""
    try:
        parsed = phonenumbers.parse(text, "GB")
    except phonenumbers.NumberParseException:
        return E164_EXAMPLE
    if not phonenumbers.is_valid_number(parsed):
        return E164_EXAMPLE
    return f"as {phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)}"


def _check_menu(node: model.Menu, standard: set[str], at):
    label = f"menu {node.id!r}"
    if len(node.choices) > MAX_CHOICES:
        at(
            node.line,
            f"{label} offers {len(node.choices)} choices; at most {MAX_CHOICES} (plus the standard keys). Split it into two menus",
        )
    seen = set()
    for index, choice in enumerate(node.choices, start=1):
        if choice.key in seen:
            at(choice.line, f"{label} offers key {choice.key} twice; give each choice its own key")
        seen.add(choice.key)
        if choice.key in standard:
            at(
                choice.line,
                f"{label}: key {choice.key} is a standard key (person, repeat, back, more time) on every menu; use {index}",
            )
        elif choice.key != str(index):
            at(
                choice.line,
                f"{label}: choice {index} uses key {choice.key}; keys must go 1, 2, 3, 4 in order with no gaps, so use {index}",
            )


def _check_language(node: model.LanguageMenu, settings: model.Settings, at):
    seen = set()
    for index, choice in enumerate(node.choices, start=1):
        if choice.language not in settings.languages:
            at(choice.line, f"language {node.id!r}: {choice.language!r} is not in settings.languages")
        if choice.key in seen:
            at(choice.line, f"language {node.id!r} offers key {choice.key} twice")
        seen.add(choice.key)
        if choice.key != str(index):
            at(choice.line, f"language {node.id!r}: choice {index} uses key {choice.key}; use {index}")
    missing = set(settings.languages) - {c.language for c in node.choices}
    if missing:
        at(node.line, f"language {node.id!r} offers no way into {', '.join(sorted(missing))}; add a choice for it")


def _check_reachable(flow: model.Flow, at):
    s = flow.settings
    seen = set()
    queue = deque([s.entry, s.person_route])
    while queue:
        node_id = queue.popleft()
        if node_id in seen or node_id not in flow.nodes:
            continue
        seen.add(node_id)
        queue.extend(flow.nodes[node_id].targets())
    for node in flow.nodes.values():
        if node.id not in seen:
            at(node.line, f"{node.kind} {node.id!r} cannot be reached from {s.entry!r}; link to it or remove it")


def _check_guidance_loops(flow: model.Flow, at):
    """A caller must never be trapped in talk with no menu: `next` chains must end."""
    passing = (model.Guidance, model.LanguageMenu)
    for start in flow.nodes.values():
        if not isinstance(start, passing):
            continue
        seen, node = set(), start
        while isinstance(node, passing):
            if node.id in seen:
                at(start.line, f"{start.kind} {start.id!r} leads round a loop with no menu; end the chain at a menu")
                break
            seen.add(node.id)
            node = flow.nodes.get(node.next)


def _check_hours_loops(flow: model.Flow, at):
    """Opening-hours branches say nothing: a chain of them must reach a node that speaks."""
    for start in flow.nodes.values():
        if not isinstance(start, model.HoursBranch):
            continue
        stack, seen = [(start.id, ())], set()
        while stack:
            node_id, path = stack.pop()
            node = flow.nodes.get(node_id)
            if not isinstance(node, model.HoursBranch) or (node_id, path) in seen:
                continue
            seen.add((node_id, path))
            if node_id in path:
                at(
                    start.line,
                    f"hours {start.id!r} leads round a loop of opening-hours branches; send open or closed to a node that speaks",
                )
                break
            stack.extend((target, path + (node_id,)) for target in (node.open, node.closed))


def _lands_on(flow: model.Flow, node_id: str) -> set[str]:
    """The nodes a caller can end up at from `node_id`, through branches and guidance that say nothing to choose."""
    found, stack, seen = set(), [node_id], set()
    while stack:
        current = stack.pop()
        node = flow.nodes.get(current)
        if node is None or current in seen:
            continue
        seen.add(current)
        if isinstance(node, model.HoursBranch):
            stack += [node.open, node.closed]
        elif isinstance(node, model.Guidance):
            stack.append(node.next)
        else:
            found.add(current)
    return found


def _check_no_hang_up(flow: model.Flow, at, setting_line):
    """Silence and a failed transfer must never end the call (rules 5 and 9)."""
    ends = {n.id for n in flow.nodes.values() if isinstance(n, model.Goodbye)}
    route = flow.settings.person_route
    if _lands_on(flow, route) & ends:
        at(
            setting_line("routes", "person"),
            f"settings.routes.person {route!r} can end the call; silence must reach a person or the number and a callback, never a goodbye",
        )
    for node in flow.nodes.values():
        if isinstance(node, model.Transfer) and _lands_on(flow, node.on_fail) & ends:
            at(
                node.line,
                f"transfer {node.id!r}: on_fail {node.on_fail!r} ends the call; explain and offer a callback or the number (a menu)",
            )


def _check_prompts(flow: model.Flow, context: dict, problems: list[Problem]):
    prompts = flow.prompts
    lines = context.get("prompt_lines", {})
    used = used_prompts(flow)
    prompt_dir = context.get("prompt_dir")
    for code in flow.settings.languages:
        file = f"{prompt_dir}/{code}.yaml" if prompt_dir else f"prompts/{code}.yaml"
        texts = prompts.texts.get(code, {})
        fallback = prompts.fallback.get(code)
        for prompt_id, nodes in sorted(used.items()):
            if prompt_id in texts:
                words = len(texts[prompt_id].split())
                if words > MAX_PROMPT_WORDS:
                    pfile, pline = lines.get((code, prompt_id), (file, 1))
                    problems.append(
                        Problem(
                            pfile,
                            pline,
                            f"prompt {prompt_id!r} ({code}) has {words} words, over about 25 seconds spoken; split it into two prompts",
                        )
                    )
                continue
            where = nodes[0] if nodes else None
            if fallback and prompt_id in prompts.texts.get(fallback, {}):
                problems.append(
                    Problem(file, 1, f"prompt {prompt_id!r} has no {code} text; {fallback} is said instead", "warning")
                )
                continue
            if where is not None:
                problems.append(
                    Problem(
                        flow.files[0],
                        where.line,
                        f"{where.kind} {where.id!r} says prompt {prompt_id!r}, which has no text in {file}; add it there",
                    )
                )
            else:
                problems.append(Problem(file, 1, f"the line needs prompt {prompt_id!r} in {code}; add it to {file}"))
        for prompt_id in sorted(set(texts) - set(used)):
            pfile, pline = lines.get((code, prompt_id), (file, 1))
            problems.append(Problem(pfile, pline, f"prompt {prompt_id!r} is not used by any node", "warning"))


def _check_key_guide(flow: model.Flow, context: dict, problems: list[Problem]):
    """The key guide names every standard key (person, repeat, back, more time) in every language."""
    if KEY_GUIDE_PROMPT not in used_prompts(flow):
        return
    lines = context.get("prompt_lines", {})
    prompt_dir = context.get("prompt_dir")
    for code, texts in flow.prompts.texts.items():
        if KEY_GUIDE_PROMPT not in texts:
            continue
        default = (f"{prompt_dir}/{code}.yaml" if prompt_dir else f"prompts/{code}.yaml", 1)
        pfile, pline = lines.get((code, KEY_GUIDE_PROMPT), default)
        for message in key_guide_problems(texts[KEY_GUIDE_PROMPT], flow.settings.keys):
            problems.append(Problem(pfile, pline, f"prompt {KEY_GUIDE_PROMPT!r} ({code}): {message}"))
