"""Whole-tree checks: targets, reachability, dead ends, prompts, numbers, accessibility.

Every problem names the file and line to change and says how to fix it. The
accessibility rules come from the brief's "What a caller must get": at most 4
choices a menu, keys 1..n in order with no gaps, the standard keys free on
every menu, every prompt in every language.
"""

from __future__ import annotations

import re

import phonenumbers

from . import model
from .placeholders import placeholder
from .targets import as_meant, check_targets, did_you_mean, nearest
from .yamlfile import Problem

MAX_CHOICES = 4
# About 150 words a minute on the phone: 60 words is about 25 seconds.
MAX_PROMPT_WORDS = 60
WORDS_PER_SECOND = 2.5
# Guidance heard with no choice to go on or skip: at most this long (a warning); the greeting shorter.
MAX_STRETCH_SECONDS = 30
MAX_GREETING_SECONDS = 15
SYSTEM_PROMPTS = (
    "sys.silence.first",
    "sys.silence.again",
    "sys.silence.person",
    "sys.silence.end",
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
KEY_SAID = {"*": "star", "#": "hash"}


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
    menus = [n for n in flow.nodes.values() if isinstance(n, model.Menu)]
    count = max((len(n.choices) for n in menus), default=0)
    for n in range(1, count + 1):
        used.setdefault(f"sys.choices.{n}", [])
    for menu in menus:  # "press 2.", "press hash.": the keys the menus offer
        for choice in menu.choices:
            if choice.key and choice.key in "0123456789*#":  # a bad key is its own message, not a missing prompt
                used.setdefault(model.press_prompt(choice.key), []).append(menu)
    for prompt_id in SYSTEM_PROMPTS:
        used.setdefault(prompt_id, [])
    # A prompt's "You can also say..." companion is said with it, where the line listens for words.
    written = {pid for texts in flow.prompts.texts.values() for pid in texts}
    for prompt_id in list(used):
        companion = f"{prompt_id}{model.SPEECH_COMPANION}"
        if companion in written:
            used.setdefault(companion, used[prompt_id])
    return used


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
    _check_working_days(flow, context, problems)
    return _without_knock_ons(problems, context)


def _without_knock_ons(problems: list[Problem], context: dict) -> list[Problem]:
    """Drop a check's message at a line where the loader already found an error: one mistake, one message
    (a choice whose key could not be read is not also "out of order")."""
    loaded = {(p.file, p.line) for p in context.get("loaded", ()) if p.severity == "error"}
    return [p for p in problems if (p.file, p.line) not in loaded]


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
    missing = set(settings.languages) - {c.language for c in node.choices} - meant
    if missing:
        at(node.line, f"language {node.id!r} offers no way into {', '.join(sorted(missing))}; add a choice for it")


def spoken_seconds(words: int) -> float:
    """Seconds to say `words` at about 150 words a minute (the staff pages' estimate too)."""
    return words / WORDS_PER_SECOND


def guidance_stretch(flow: model.Flow, node_id: str, language: str) -> tuple[int, list[str]]:
    """(words, node ids) a caller hears from `node_id` until a choice: a chain of guidance, or a
    callback's introduction before its first question."""
    words, path, node = 0, [], flow.nodes.get(node_id)
    while isinstance(node, (model.Guidance, model.Callback)) and node.id not in path:
        path.append(node.id)
        for prompt_id in node.prompts:
            for said in said_with(flow, prompt_id, language):
                words += len(flow.prompts.texts.get(language, {}).get(said, "").split())
        node = flow.nodes.get(node.next) if isinstance(node, model.Guidance) else None
    return words, path


def said_with(flow: model.Flow, prompt_id: str, language: str) -> tuple[str, ...]:
    """The prompt and, in a language the line listens for words in, its `.speech` companion."""
    companion = f"{prompt_id}{model.SPEECH_COMPANION}"
    spec = flow.settings.languages.get(language)
    if spec is not None and spec.speech and flow.prompts.has(companion, language):
        return (prompt_id, companion)
    return (prompt_id,)


def _check_spoken_lengths(flow: model.Flow, at):
    """Shorter and plainer (issue 14): no guidance stretch over 30 s without a choice to go on or
    skip, and a greeting under 15 s, in every language (estimated at about 150 words a minute)."""
    nexts = {n.next for n in flow.nodes.values() if isinstance(n, model.Guidance)}
    for node in flow.nodes.values():
        heads = isinstance(node, model.Callback) or (isinstance(node, model.Guidance) and node.id not in nexts)
        for language in flow.settings.languages:
            if heads:
                words, path = guidance_stretch(flow, node.id, language)
                seconds = spoken_seconds(words)
                if seconds > MAX_STRETCH_SECONDS:
                    through = f" ({' -> '.join(path)})" if len(path) > 1 else ""
                    at(
                        node.line,
                        f"{node.kind} {node.id!r}{through} talks for about {seconds:.0f} seconds in {language} "
                        f"({words} words) before a choice; callers need a choice to go on or skip at least every "
                        f"{MAX_STRETCH_SECONDS} seconds: cut it into parts, each followed by a menu with a choice "
                        "to hear the next part",
                        "warning",
                    )
            elif isinstance(node, model.LanguageMenu) and node.id == flow.settings.entry:
                # Each language's part of the greeting: the first language's words, then each
                # choice said in its own language ("..., press 2."): each under 15 seconds.
                own = flow.prompts.texts.get(language, {})
                said = [own.get(p, "") for p in node.prompts] if language == flow.settings.default_language else []
                said += [own.get(c.prompt, "") + " press N." for c in node.choices if c.language == language]
                seconds = spoken_seconds(sum(len(t.split()) for t in said))
                if seconds > MAX_GREETING_SECONDS:
                    at(
                        node.line,
                        f"the greeting ({node.id!r}) takes about {seconds:.0f} seconds in {language}; keep each "
                        f"language's part under {MAX_GREETING_SECONDS} seconds: the name of the line, the "
                        "safety line, the language choice",
                        "warning",
                    )


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


def _reference_line(doc, node: model.Node, prompt_id: str) -> int:
    """The line of flows.yaml where `node` names `prompt_id` (its own line if the kind says it unwritten)."""
    if doc is None:
        return node.line

    def find(value, path):
        if value == prompt_id:
            return path
        items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
        for key, item in items:
            found = find(item, path + (key,))
            if found is not None:
                return found
        return None

    nodes = doc.data.get("nodes", {}) if isinstance(doc.data, dict) else {}
    path = find(nodes.get(node.id), ()) if isinstance(nodes, dict) else None
    return doc.line("nodes", node.id, *path) if path is not None else node.line


def _check_prompts(flow: model.Flow, context: dict, problems: list[Problem]):
    """Every prompt the line says has words in every language (or a fallback); each mistake one message.

    A prompt id misspelt in flows.yaml is missing in every language: one message at the line that
    names it, with the nearest prompt id. A prompt id misspelt in a prompts file is one message at
    its line there, naming the prompt it most likely is. A prompts file that could not be read has
    its own message, and its prompts are not each reported missing.
    """
    prompts = flow.prompts
    lines = context.get("prompt_lines", {})
    prompt_dir = context.get("prompt_dir")
    doc = context.get("doc")
    used = used_prompts(flow)
    languages = list(flow.settings.languages)
    files = {code: f"{prompt_dir}/{code}.yaml" if prompt_dir else f"prompts/{code}.yaml" for code in languages}
    readable = [code for code in languages if prompts.texts.get(code)]  # an unreadable file has said so
    for code in languages:
        if code not in readable and not any(
            p.file == files[code] or p.file.endswith(f"{code}.yaml") for p in context.get("loaded", ())
        ):
            problems.append(
                Problem(
                    files[code],
                    1,
                    f"{files[code]} has no prompts; every prompt the line says needs its words here in {code}",
                )
            )
    renamed: dict[str, set[str]] = {code: set() for code in languages}  # misspelt ids already reported

    for prompt_id, nodes in sorted(used.items()):
        if not prompt_id:  # the loader reported a prompt that is not a prompt id
            continue
        missing = []
        for code in readable:
            texts = prompts.texts[code]
            if prompt_id in texts:
                continue
            if prompt_id.endswith(model.SPEECH_COMPANION) and not flow.settings.languages[code].speech:
                continue  # a keys-only language never says it
            fallback = prompts.fallback.get(code)
            if fallback and prompt_id in prompts.texts.get(fallback, {}):
                problems.append(
                    Problem(
                        files[code],
                        1,
                        f"prompt {prompt_id!r} has no {code} text; {fallback} is said instead",
                        "warning",
                    )
                )
                continue
            missing.append(code)
        if not missing:
            continue
        where = nodes[0] if nodes else None
        said_by = f"{where.kind} {where.id!r}" if where else "the line"
        if len(missing) == len(languages) and where is not None:
            known = set().union(*(prompts.texts[code] for code in readable))
            guess = nearest(prompt_id, known - set(used))
            fix = f"did you mean {guess!r}?" if guess else f"add it to {' and '.join(files[c] for c in missing)}"
            problems.append(
                Problem(
                    flow.files[0],
                    _reference_line(doc, where, prompt_id),
                    f"{said_by} says prompt {prompt_id!r}, which has no words in any language; {fix}",
                )
            )
            if guess:
                for code in readable:
                    renamed[code].add(guess)
            continue
        for code in missing:
            spare = nearest(prompt_id, set(prompts.texts[code]) - set(used) - renamed[code])
            if spare is not None:  # misspelt in this prompts file: say so at its line there
                pfile, pline = lines.get((code, spare), (files[code], 1))
                renamed[code].add(spare)
                problems.append(
                    Problem(
                        pfile,
                        pline,
                        f"prompt {spare!r} is not one the line says; did you mean {prompt_id!r} "
                        f"(said by {said_by})? Rename it",
                    )
                )
            elif where is not None:
                problems.append(
                    Problem(
                        flow.files[0],
                        _reference_line(doc, where, prompt_id),
                        f"{said_by} says prompt {prompt_id!r}, which has no text in {files[code]}; add it there",
                    )
                )
            else:
                problems.append(
                    Problem(files[code], 1, f"the line needs prompt {prompt_id!r} in {code}; add it to {files[code]}")
                )

    for code in readable:
        texts = prompts.texts[code]
        for prompt_id in texts:
            words = len(texts[prompt_id].split())
            if prompt_id in used and words > MAX_PROMPT_WORDS:
                pfile, pline = lines.get((code, prompt_id), (files[code], 1))
                problems.append(
                    Problem(
                        pfile,
                        pline,
                        f"prompt {prompt_id!r} ({code}) has {words} words, over about 25 seconds spoken; split it into two prompts",
                    )
                )
        for prompt_id in sorted(set(texts) - set(used) - renamed[code]):
            pfile, pline = lines.get((code, prompt_id), (files[code], 1))
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
