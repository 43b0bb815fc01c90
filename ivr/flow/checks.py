"""Whole-tree checks: targets, reachability, dead ends, prompts, numbers, accessibility.

Every problem names the file and line to change and says how to fix it. The
accessibility rules come from the brief's "What a caller must get": at most 4
choices a menu, keys 1..n in order with no gaps, the standard keys free on
every menu, every prompt in every language.
"""

from __future__ import annotations

import phonenumbers

from . import model
from .placeholders import placeholder
from .targets import as_meant, check_targets, did_you_mean, nearest
from .wording import (
    KEY_NAMES,
    _check_key_guide,
    _check_numbers_said,
    _check_prompts,
    _check_spoken_lengths,
    _check_working_days,
)
from .yamlfile import Problem

MAX_CHOICES = 4


KEY_SAID = {"*": "star", "#": "hash"}


def check_flow(flow: model.Flow, context: dict) -> list[Problem]:
    doc = context.get("doc")
    file = doc.file if doc else flow.files[0]
    problems: list[Problem] = []

    def at(line, message, severity="error"):
        problems.append(Problem(file, line, message, severity))

    def setting_line(*path):
        return doc.line("settings", *path) if doc else 1

    # Unknown targets, entry, person route, reachability: one message a mistake. The checks after it see
    # each misspelt target as the node it most likely means, so they do not report it again in other words.
    flow = as_meant(flow, check_targets(flow, context, at))
    s = flow.settings
    nodes = flow.nodes
    _check_numbers(flow, at, setting_line)

    def node_line(node, key):
        return doc.line("nodes", node.id, key) if doc else node.line

    for node in nodes.values():
        label = f"{node.kind} {node.id!r}"
        if isinstance(node, model.Menu):
            _check_menu(flow, node, at)
        elif isinstance(node, model.LanguageMenu):
            _check_language(node, s, at, doc)
        elif isinstance(node, model.HoursBranch) and node.hours not in s.hours:
            at(
                node_line(node, "hours"),
                f"{label}: hours {node.hours!r} is not in settings.hours ({', '.join(sorted(s.hours))})"
                + did_you_mean(node.hours, s.hours),
            )
        elif isinstance(node, model.Transfer) and node.number not in s.numbers:
            at(
                node_line(node, "number"),
                f"{label}: number {node.number!r} is not in settings.numbers ({', '.join(sorted(s.numbers))})"
                + did_you_mean(node.number, s.numbers),
            )

    _check_one_key_one_meaning(flow, at, file)
    _check_guidance_loops(flow, at)
    _check_spoken_lengths(flow, at)
    _check_hours_loops(flow, at)
    _check_no_hang_up(flow, at, setting_line)
    _check_prompts(flow, context, problems)
    _check_key_guide(flow, context, problems)
    _check_numbers_said(flow, context, problems)
    _check_working_days(flow, context, problems)
    return _without_knock_ons(problems, context)


def _without_knock_ons(problems: list[Problem], context: dict) -> list[Problem]:
    """Drop a check's message at a line where the loader already found an error: one mistake, one message
    (a choice whose key could not be read is not also "out of order")."""
    loaded = {(p.file, p.line) for p in context.get("loaded", ()) if p.severity == "error"}
    return [p for p in problems if (p.file, p.line) not in loaded]


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


def _resolves(flow: model.Flow, node_id: str) -> frozenset[str]:
    """The nodes `node_id` can be, once opening-hours branches (which say nothing) are followed."""
    found, stack, seen = set(), [node_id], set()
    while stack:
        current = stack.pop()
        node = flow.nodes.get(current)
        if current in seen:
            continue
        seen.add(current)
        if isinstance(node, model.HoursBranch):
            stack += [node.open, node.closed]
        else:
            found.add(current)
    return frozenset(found)


def standard_goes_to(flow: model.Flow, menu: model.Menu, role: str) -> str | None:
    """Where a standard key takes a caller from `menu` (None: more time, which goes nowhere)."""
    return {"person": flow.settings.person_route, "back": menu.back, "repeat": menu.id}.get(role)


def same_place(flow: model.Flow, a: str, b: str) -> bool:
    return a == b or _resolves(flow, a) == _resolves(flow, b)


def _check_menu(flow: model.Flow, node: model.Menu, at):
    """Numbered choices go 1, 2, 3, 4; a standard key may be offered by name ("To talk to someone
    at the helpline, press 0") only where it does what that key does on every menu, and a numbered
    choice must never do what a standard key already does (one key, one meaning)."""
    label = f"menu {node.id!r}"
    roles = {key: role for role, key in flow.settings.keys.as_dict().items()}
    numbered = [c for c in node.choices if c.key not in roles]
    if len(numbered) > MAX_CHOICES:
        at(
            node.line,
            f"{label} offers {len(numbered)} choices; at most {MAX_CHOICES} (plus the standard keys). Split it into two menus",
        )
    seen = set()
    index = 0
    for choice in node.choices:
        if choice.key in seen:
            at(choice.line, f"{label} offers key {choice.key} twice; give each choice its own key")
        seen.add(choice.key)
        role = roles.get(choice.key)
        if role is not None:
            target = standard_goes_to(flow, node, role)
            if target is None or not (_resolves(flow, choice.goto) & _resolves(flow, target)):
                at(
                    choice.line,
                    f"{label}: key {choice.key} is a standard key (person, repeat, back, more time) on every menu; "
                    f"use {index + 1}"
                    + (f"; as a choice it must go where {choice.key} goes, {target!r}" if target else ""),
                )
            elif not same_place(flow, choice.goto, target):
                # Partly the same place (an opening-hours branch and one of its ends): the key does what it
                # does on every menu whatever `goto` says, so the words may promise a little wrong.
                at(
                    choice.line,
                    f"{label}: key {choice.key} ({KEY_NAMES[role]}) goes to {target!r} on every menu, but this "
                    f"choice says {choice.goto!r}; callers pressing {choice.key} reach {target!r}: make goto "
                    f"{target!r}, or give the choice a number",
                    "warning",
                )
            continue
        index += 1
        if choice.key != str(index):
            at(
                choice.line,
                f"{label}: choice {index} uses key {choice.key}; keys must go 1, 2, 3, 4 in order with no gaps, so use {index}",
            )
        for role, key in flow.settings.keys.as_dict().items():
            target = standard_goes_to(flow, node, role)
            if target and same_place(flow, choice.goto, target):
                at(
                    choice.line,
                    f"{label}: choice {index} ({choice.prompt}) goes to {choice.goto!r}, which key {key} "
                    f"({KEY_NAMES[role]}) already does on every menu; one key, one meaning: "
                    f'write it as key: "{key}" (said "press {KEY_SAID.get(key, key)}"), or remove it',
                )
                break


def _meaning(flow: model.Flow, prompt_id: str) -> str:
    """A choice named for a message: its words in the first language, and its prompt id."""
    text = flow.prompts.texts.get(flow.settings.default_language, {}).get(prompt_id)
    return f"{text!r} ({prompt_id})" if text else repr(prompt_id)


def _check_one_key_one_meaning(flow: model.Flow, at, file: str):
    """A choice that means the same thing has the same key in every menu that offers it: the same
    words (prompt id), or the same shared destination (the main menu, a transfer, a callback, an
    opening-hours branch) however it is worded."""
    shared = (model.Transfer, model.Callback, model.HoursBranch)
    groups: dict[tuple, list[tuple[model.Menu, model.Choice]]] = {}
    for menu in flow.nodes.values():
        if not isinstance(menu, model.Menu):
            continue
        for choice in menu.choices:
            groups.setdefault(("prompt", choice.prompt), []).append((menu, choice))
            target = flow.nodes.get(choice.goto)
            if choice.goto == flow.main_menu or isinstance(target, shared):
                groups.setdefault(("goes to", _resolves(flow, choice.goto)), []).append((menu, choice))
    reported = set()
    for (how, _), offers in groups.items():
        keys = [c.key for _, c in offers]
        if len(set(keys)) < 2:
            continue
        usual = max(dict.fromkeys(keys), key=keys.count)  # the most common key; the first on a tie
        first = next((m, c) for m, c in offers if c.key == usual)
        for menu, choice in offers:
            if choice.key == usual or (menu.id, choice.key) in reported:
                continue
            reported.add((menu.id, choice.key))
            what = _meaning(flow, choice.prompt) if how == "prompt" else f"going to {choice.goto!r}"
            at(
                choice.line,
                f"menu {menu.id!r}: {what} is key {choice.key} here but key {usual} in menu {first[0].id!r} "
                f"({file}:{first[1].line}); one meaning, one key: use {usual} in every menu that offers it",
            )


def _check_language(node: model.LanguageMenu, settings: model.Settings, at, doc=None):
    seen = set()
    meant = set()  # languages a misspelt choice most likely means: not also "no way into" them
    unknown = [c for c in node.choices if c.language not in settings.languages]
    left_out = set(settings.languages) - {c.language for c in node.choices}
    for index, choice in enumerate(node.choices, start=1):
        if choice.language not in settings.languages:
            guess = nearest(choice.language, settings.languages)
            if guess is None and len(unknown) == 1 and len(left_out) == 1:
                guess = next(iter(left_out))  # the one language no choice leads into
            meant.add(guess)
            at(
                doc.line("nodes", node.id, "choices", index - 1, "language") if doc else choice.line,
                f"language {node.id!r}: {choice.language!r} is not in settings.languages "
                f"({', '.join(settings.languages)})" + (f"; did you mean {guess!r}?" if guess else ""),
            )
        if choice.key in seen:
            at(choice.line, f"language {node.id!r} offers key {choice.key} twice")
        seen.add(choice.key)
        if choice.key != str(index):
            at(choice.line, f"language {node.id!r}: choice {index} uses key {choice.key}; use {index}")
    first = settings.first_language or settings.default_language
    if node.choices and first != node.choices[0].language and first in {c.language for c in node.choices}:
        said_first = next(c for c in node.choices if c.language == first)
        at(
            said_first.line,
            f"language {node.id!r}: settings.first_language is {first}, so its choice is said first; "
            "list it first, with key 1, so the keys are said in order",
        )
    missing = set(settings.languages) - {c.language for c in node.choices} - meant
    if missing:
        at(node.line, f"language {node.id!r} offers no way into {', '.join(sorted(missing))}; add a choice for it")


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


