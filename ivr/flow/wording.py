"""Checks of the words themselves: every prompt in every language, the key guide, how long callers
listen before a choice, and the working days the words promise. Called by checks.check_flow."""

from __future__ import annotations

import re

from . import model
from .spoken_numbers import unknown_numbers
from .targets import nearest
from .yamlfile import Problem

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
    "transfer.whisper",
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

KEY_GUIDE_PROMPT = model.KEY_GUIDE_PROMPT

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


def _check_numbers_said(flow: model.Flow, context: dict, problems: list[Problem]):
    """Every phone number the words say is one of settings.numbers (spoken_numbers.py says how it is found)."""
    lines = context.get("prompt_lines", {})
    prompt_dir = context.get("prompt_dir")
    for code, texts in flow.prompts.texts.items():
        default = (f"{prompt_dir}/{code}.yaml" if prompt_dir else f"prompts/{code}.yaml", 1)
        for prompt_id, text in texts.items():
            for message in unknown_numbers(text, flow.settings.numbers):
                pfile, pline = lines.get((code, prompt_id), default)
                problems.append(Problem(pfile, pline, f"prompt {prompt_id!r} ({code}): {message}"))


# The key guide's checks in an editor's words, at the field: what callers would no longer be told.
KEY_HOW = {
    "person": "how to talk to a person",
    "repeat": "how to hear the choices again",
    "back": "how to go back",
    "more_time": "how to get more time, or slower speech",
}
KEY_SAID = {"*": "star", "#": "hash"}


def key_guide_missing(text: str, keys: model.Keys) -> list[str]:
    """'This no longer says how to go back (press hash).' for each standard key the key guide leaves out."""
    return [
        f"This no longer says {KEY_HOW[role]} (press {KEY_SAID.get(key, key)})."
        for role, key in keys.as_dict().items()
        if not key_named(text, key)
    ]


def stretch_warnings(flow: model.Flow, prompt_id: str, language: str) -> list[str]:
    """In an editor's words: each stretch of talk with no choice, over 30 seconds in `language`, that `prompt_id`
    is part of (what `ivr check` would warn of once the words are published)."""
    nexts = {n.next for n in flow.nodes.values() if isinstance(n, model.Guidance)}
    warnings = []
    for node in flow.nodes.values():
        heads = isinstance(node, model.Callback) or (isinstance(node, model.Guidance) and node.id not in nexts)
        if not heads:
            continue
        words, path = guidance_stretch(flow, node.id, language)
        says = any(prompt_id in getattr(flow.nodes[n], "prompts", ()) for n in path)
        if says and spoken_seconds(words) > MAX_STRETCH_SECONDS:
            warnings.append(
                f"Callers would hear about {spoken_seconds(words):.0f} seconds of talk before a choice here "
                f"({words} words, from {node.kind} {node.id!r}). Keep each part under {MAX_STRETCH_SECONDS} "
                "seconds: shorten these words, or ask for the guidance to be cut into parts"
            )
    return warnings
