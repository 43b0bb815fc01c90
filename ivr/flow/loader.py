"""Turn flows.yaml and prompts/*.yaml into a Flow, or a list of Problems.

The allowed keys of every node kind are declared once, in NODE_KINDS; the
loader checks shape (keys, types, values) and the checks module checks the
tree as a whole (targets, reachability, prompts, accessibility rules).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path
from types import MappingProxyType
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..errors import FlowError
from . import model, speech
from .prompt_files import _display, read_prompts
from .reader import _ID, _allowed, _Reader
from .targets import did_you_mean, nearest
from .yamlfile import Problem, load_file, load_text

# kind -> (required keys, optional keys); "kind" itself is always required.
NODE_KINDS: dict[str, tuple[frozenset, frozenset]] = {
    "guidance": (frozenset({"prompts", "next"}), frozenset()),
    "menu": (frozenset({"choices", "back"}), frozenset({"intro"})),
    "language": (frozenset({"prompts", "choices", "next"}), frozenset()),
    "hours": (frozenset({"hours", "open", "closed"}), frozenset()),
    "transfer": (frozenset({"number", "prompts", "on_fail", "after"}), frozenset()),
    "callback": (frozenset({"prompts", "done", "fail"}), frozenset({"purpose"})),
    "goodbye": (frozenset({"prompts"}), frozenset()),
}
CHOICE_KEYS = {
    "menu": frozenset({"key", "prompt", "goto"}),
    "language": frozenset({"key", "language", "prompt"}),
}
SETTINGS_KEYS = frozenset(
    {
        "entry",
        "default_language",
        "languages",
        "timeouts",
        "speech_rate",
        "retries",
        "keys",
        "routes",
        "numbers",
        "hours",
        "callbacks",
        "silence_ends_call",
        "first_language",
    }
)
CALLBACK_PURPOSES = ("liaison", "helpline")
LANGUAGE_KEYS = frozenset({"say_voice", "speech_language", "espeak_voice", "speech"})
LANGUAGE_REQUIRED = frozenset({"say_voice", "speech_language", "espeak_voice"})
NUMBER_KEYS = frozenset({"e164", "spoken", "status"})
NUMBER_STATUSES = ("verify before going live", "verified")
HOURS_KEYS = frozenset({"timezone", "open", "holidays"})
VALID_KEYS = frozenset("0123456789*#")
_RANGE = re.compile(r"^(\d{2}):(\d{2})-(\d{2}):(\d{2})$")


def _read_speech(r: _Reader, spec: dict, path, code: str, speech_language: str) -> bool:
    """A language's `speech`: true when Twilio recognises speech in it, false for keys only.
    Left out, it is keys only (a <Gather> asking for an unsupported language fails whole);
    true for a language Twilio's <Gather> does not list is a warning at its line."""
    if "speech" not in spec:
        r.problem(
            path,
            f"language {code} does not say whether Twilio recognises speech in it, so its menus take keys only; "
            "add speech: true once a live call has shown Twilio understands it, or speech: false",
            "warning",
        )
        return False
    value = spec["speech"]
    if not isinstance(value, bool):
        r.problem(
            path + ("speech",),
            f"language {code}: speech must be true (Twilio recognises speech in {code}) or false (keys only), "
            f"not {value!r}",
        )
        return False
    if value and not speech.twilio_lists(speech_language):
        r.problem(path + ("speech",), speech.unlisted_warning(code, speech_language), "warning")
    return value


def _read_settings(r: _Reader, raw) -> model.Settings:
    path = ("settings",)
    s = r.mapping(raw, path, "settings")
    r.keys(
        s,
        path,
        SETTINGS_KEYS,
        SETTINGS_KEYS - {"routes", "callbacks", "silence_ends_call", "first_language"},
        "settings",
    )

    languages = {}
    for code, spec in r.mapping(s.get("languages", {}), path + ("languages",), "settings.languages").items():
        lpath = path + ("languages", code)
        spec = r.mapping(spec, lpath, f"language {code}")
        r.keys(spec, lpath, LANGUAGE_KEYS, LANGUAGE_REQUIRED, f"language {code}")
        speech_language = r.text(spec.get("speech_language"), lpath + ("speech_language",), "speech_language", code)
        languages[code] = model.Language(
            code,
            r.text(spec.get("say_voice"), lpath + ("say_voice",), "say_voice", "alice"),
            speech_language,
            r.text(spec.get("espeak_voice"), lpath + ("espeak_voice",), "espeak_voice", "en"),
            _read_speech(r, spec, lpath, code, speech_language),
        )
    if not languages:
        r.problem(path + ("languages",), "settings.languages must name at least one language, e.g. en-GB")
    default_language = s.get("default_language", "")
    if default_language not in languages:
        r.problem(
            path + ("default_language",),
            f"default_language {default_language!r} is not one of settings.languages ({_allowed(languages)})"
            + did_you_mean(str(default_language), languages),
        )

    # The language whose greeting is said first (Welsh Language Standards: Welsh first for Welsh public bodies).
    first_language = s.get("first_language", "")
    if "first_language" in s and first_language not in languages:
        r.problem(
            path + ("first_language",),
            f"first_language {first_language!r} is not one of settings.languages ({_allowed(languages)})",
        )
        first_language = ""

    timeouts = r.mapping(s.get("timeouts", {}), path + ("timeouts",), "settings.timeouts")
    r.keys(
        timeouts,
        path + ("timeouts",),
        {"normal", "more_time", "dial"},
        {"normal", "more_time", "dial"},
        "settings.timeouts",
    )
    t_normal = r.integer(timeouts.get("normal"), path + ("timeouts", "normal"), "timeouts.normal", 3, 60, 7)
    t_more = r.integer(timeouts.get("more_time"), path + ("timeouts", "more_time"), "timeouts.more_time", 3, 60, 25)
    if t_more < t_normal:
        r.problem(path + ("timeouts", "more_time"), "timeouts.more_time must be at least timeouts.normal")
    t_dial = r.integer(timeouts.get("dial"), path + ("timeouts", "dial"), "timeouts.dial", 5, 600, 30)

    rate = r.mapping(s.get("speech_rate", {}), path + ("speech_rate",), "settings.speech_rate")
    r.keys(rate, path + ("speech_rate",), {"normal", "slow"}, {"normal", "slow"}, "settings.speech_rate")
    rate_normal = r.integer(rate.get("normal"), path + ("speech_rate", "normal"), "speech_rate.normal", 50, 200, 100)
    rate_slow = r.integer(rate.get("slow"), path + ("speech_rate", "slow"), "speech_rate.slow", 50, 200, 75)
    if rate_slow >= rate_normal:
        r.problem(path + ("speech_rate", "slow"), "speech_rate.slow must be lower than speech_rate.normal")

    # How long a call may go with no key or word before it ends kindly (seconds).
    ends = r.mapping(s.get("silence_ends_call", {}), path + ("silence_ends_call",), "settings.silence_ends_call")
    r.keys(ends, path + ("silence_ends_call",), {"normal", "more_time"}, set(), "settings.silence_ends_call")
    end_normal = r.integer(
        ends.get("normal", 300), path + ("silence_ends_call", "normal"), "silence_ends_call.normal", 60, 3600, 300
    )
    end_more = r.integer(
        ends.get("more_time", 600),
        path + ("silence_ends_call", "more_time"),
        "silence_ends_call.more_time",
        60,
        3600,
        600,
    )
    if end_more < end_normal:
        r.problem(path + ("silence_ends_call", "more_time"), "silence_ends_call.more_time must be at least normal")

    retries = r.mapping(s.get("retries", {}), path + ("retries",), "settings.retries")
    r.keys(retries, path + ("retries",), {"no_input", "wrong_key"}, {"no_input", "wrong_key"}, "settings.retries")
    no_input = r.integer(retries.get("no_input"), path + ("retries", "no_input"), "retries.no_input", 3, 9, 3)
    wrong_key = r.integer(retries.get("wrong_key"), path + ("retries", "wrong_key"), "retries.wrong_key", 2, 9, 3)

    keys_raw = r.mapping(s.get("keys", {}), path + ("keys",), "settings.keys")
    names = {"person", "repeat", "back", "more_time"}
    r.keys(keys_raw, path + ("keys",), names, names, "settings.keys")
    keys = {}
    for name in sorted(names):
        value = keys_raw.get(name, "")
        value = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
        if value is None:  # `back: #` reads as empty: the # starts a comment
            r.problem(
                path + ("keys", name),
                f'keys.{name} is empty: a # without quotes starts a comment in YAML; write it as "#"',
            )
            value = {"person": "0", "repeat": "*", "back": "#", "more_time": "9"}[name]
        elif not (isinstance(value, str) and value in VALID_KEYS):
            r.problem(path + ("keys", name), f"keys.{name} must be one key: 0-9, * or #, in quotes")
            value = {"person": "0", "repeat": "*", "back": "#", "more_time": "9"}[name]
        keys[name] = value
    if len(set(keys.values())) != len(keys):
        r.problem(path + ("keys",), "the standard keys must all be different")

    routes = r.mapping(s.get("routes", {"person": ""}), path + ("routes",), "settings.routes")
    r.keys(routes, path + ("routes",), {"person"}, {"person"}, "settings.routes")

    numbers = {}
    for name, spec in r.mapping(s.get("numbers", {}), path + ("numbers",), "settings.numbers").items():
        npath = path + ("numbers", name)
        spec = r.mapping(spec, npath, f"number {name}")
        r.keys(spec, npath, NUMBER_KEYS, NUMBER_KEYS, f"number {name}")
        e164 = spec.get("e164", "")
        status = spec.get("status", "")
        if status not in NUMBER_STATUSES:
            r.problem(npath + ("status",), f"number {name}: status must be one of: {', '.join(NUMBER_STATUSES)}")
        numbers[name] = model.PhoneNumber(
            name, str(e164), r.text(spec.get("spoken"), npath + ("spoken",), "spoken", str(e164)), str(status)
        )

    hours = {}
    for name, spec in r.mapping(s.get("hours", {}), path + ("hours",), "settings.hours").items():
        hours[name] = _read_hours(r, name, spec, path + ("hours", name))

    callbacks = r.mapping(s.get("callbacks", {}), path + ("callbacks",), "settings.callbacks")
    r.keys(callbacks, path + ("callbacks",), {"working_days"}, set(), "settings.callbacks")
    working_days = r.integer(
        callbacks.get("working_days", 2), path + ("callbacks", "working_days"), "callbacks.working_days", 1, 10, 2
    )

    return model.Settings(
        entry=str(s.get("entry", "")),
        default_language=str(default_language),
        first_language=str(first_language),
        languages=MappingProxyType(languages),
        timeout_normal=t_normal,
        timeout_more_time=t_more,
        timeout_dial=t_dial,
        rate_normal=rate_normal,
        rate_slow=rate_slow,
        retries_no_input=no_input,
        silence_end_normal=end_normal,
        silence_end_more_time=end_more,
        retries_wrong_key=wrong_key,
        keys=model.Keys(**keys),
        person_route=str(routes.get("person", "")),
        numbers=MappingProxyType(numbers),
        hours=MappingProxyType(hours),
        callback_working_days=working_days,
    )


def _read_hours(r: _Reader, name, spec, path) -> model.OpeningHours:
    spec = r.mapping(spec, path, f"hours {name}")
    r.keys(spec, path, HOURS_KEYS, HOURS_KEYS - {"holidays"}, f"hours {name}")
    zone = spec.get("timezone", "Europe/London")
    try:
        ZoneInfo(str(zone))
    except (ZoneInfoNotFoundError, ValueError):
        r.problem(path + ("timezone",), f"hours {name}: unknown time zone {zone!r}; use e.g. Europe/London")
        zone = "Europe/London"
    week: list[list] = [[] for _ in model.DAYS]
    for day, ranges in r.mapping(spec.get("open", {}), path + ("open",), f"hours {name}.open").items():
        dpath = path + ("open", day)
        if day not in model.DAYS:
            r.problem(dpath, f"hours {name}: {day!r} is not a day; use {', '.join(model.DAYS)}")
            continue
        for text in ranges if isinstance(ranges, list) else [ranges]:
            match = _RANGE.match(str(text))
            if not match:
                r.problem(dpath, f'hours {name}.{day}: {text!r} must look like "09:00-17:00"')
                continue
            h1, m1, h2, m2 = (int(g) for g in match.groups())
            if not (h1 < 24 and m1 < 60 and h2 <= 24 and m2 < 60 and (h1, m1) < (h2, m2)):
                r.problem(dpath, f"hours {name}.{day}: {text!r} must be a start before an end within one day")
                continue
            end = dt.time(23, 59, 59, 999999) if h2 == 24 else dt.time(h2, m2)
            week[model.DAYS.index(day)].append((dt.time(h1, m1), end))
    holidays = set()
    for index, day in enumerate(spec.get("holidays", []) or []):
        if isinstance(day, dt.date) and not isinstance(day, dt.datetime):
            holidays.add(day)
            continue
        try:
            holidays.add(dt.date.fromisoformat(str(day)))
        except ValueError:
            r.problem(path + ("holidays", index), f"hours {name}: holiday {day!r} must be a date like 2026-12-25")
    return model.OpeningHours(name, str(zone), tuple(tuple(d) for d in week), frozenset(holidays))


def _read_node(r: _Reader, node_id, spec) -> model.Node | None:
    path = ("nodes", node_id)
    line = r.doc.line(*path)
    if not _ID.match(str(node_id)):
        r.problem(path, f"node id {node_id!r} must be lower case letters, digits and underscores")
    spec = r.mapping(spec, path, f"node {node_id!r}")
    kind = spec.get("kind")
    if kind not in NODE_KINDS:
        guess = nearest(kind, NODE_KINDS) if isinstance(kind, str) else None
        fix = f"did you mean {guess!r}?" if guess else f"use one of: {_allowed(NODE_KINDS)}"
        r.problem(path + ("kind",), f"node {node_id!r}: kind {kind!r} is not known; {fix}")
        if guess is None:
            return None
        kind = guess  # read it as meant, so its own keys are checked and nothing else is reported for it
    required, optional = NODE_KINDS[kind]
    r.keys(spec, path, required | optional | {"kind"}, required, f"{kind} node {node_id!r}")

    def target(key):
        value = spec.get(key, "")
        if not isinstance(value, str) or not value:
            if key in spec:
                r.problem(path + (key,), f"node {node_id!r}: {key} must be a node id")
            return ""
        return value

    def prompts(key):
        return r.ids(spec[key], path + (key,), f"node {node_id!r} {key}") if key in spec else ()

    if kind == "guidance":
        return model.Guidance(node_id, line, prompts("prompts"), target("next"))
    if kind == "goodbye":
        return model.Goodbye(node_id, line, prompts("prompts"))
    if kind == "hours":
        return model.HoursBranch(node_id, line, str(spec.get("hours", "")), target("open"), target("closed"))
    if kind == "transfer":
        return model.Transfer(
            node_id, line, str(spec.get("number", "")), prompts("prompts"), target("on_fail"), target("after")
        )
    if kind == "callback":
        purpose = spec.get("purpose", "liaison")
        if purpose not in CALLBACK_PURPOSES:
            r.problem(path + ("purpose",), f"node {node_id!r}: purpose must be one of: {', '.join(CALLBACK_PURPOSES)}")
            purpose = "liaison"
        return model.Callback(node_id, line, prompts("prompts"), target("done"), target("fail"), purpose)

    choices = []
    raw_choices = spec.get("choices", [])
    if not isinstance(raw_choices, list) or not raw_choices:
        r.problem(path + ("choices",), f"node {node_id!r}: choices must be a list with at least one choice")
        raw_choices = []
    for index, item in enumerate(raw_choices):
        cpath = path + ("choices", index)
        item = r.mapping(item, cpath, f"node {node_id!r} choice {index + 1}")
        r.keys(item, cpath, CHOICE_KEYS[kind], CHOICE_KEYS[kind], f"node {node_id!r} choice {index + 1}")
        key = item.get("key", "")
        key = str(key) if isinstance(key, int) and not isinstance(key, bool) else key
        if not (isinstance(key, str) and key in VALID_KEYS):
            r.problem(
                cpath + ("key",), f"node {node_id!r} choice {index + 1}: key must be one of 0-9, * or #, in quotes"
            )
            key = "?"
        prompt = item.get("prompt", "")
        if not (isinstance(prompt, str) and _ID.match(prompt)):
            r.problem(cpath + ("prompt",), f"node {node_id!r} choice {index + 1}: prompt must be a prompt id")
            prompt = ""
        cline = r.doc.line(*cpath)
        if kind == "menu":
            goto = item.get("goto", "")
            choices.append(model.Choice(key, prompt, goto if isinstance(goto, str) else "", cline))
        else:
            choices.append(model.LanguageChoice(key, str(item.get("language", "")), prompt, cline))
    if kind == "menu":
        intro = prompts("intro")
        return model.Menu(node_id, line, tuple(choices), target("back"), intro)
    return model.LanguageMenu(node_id, line, prompts("prompts"), tuple(choices), target("next"))


def read_flow(flow_path, prompt_dir=None, prompt_overrides=None):
    """Read the call tree and its prompts; returns (Flow or None, problems, context for checks).

    `prompt_overrides` ({language: {id: text}}) replaces shipped words with the
    ones staff have published, so they pass the same checks before going live.
    """
    flow_path = Path(flow_path)
    base = flow_path.parent
    prompt_dir = Path(prompt_dir) if prompt_dir else base / "prompts"
    doc, problems = load_file(flow_path, _display(flow_path, Path.cwd()))
    if doc is None:
        return None, problems, {}
    r = _Reader(doc)
    data = r.mapping(doc.data, (), "the call tree file")
    r.keys(data, (), {"settings", "nodes"}, {"settings", "nodes"}, "the call tree file")
    settings = _read_settings(r, data.get("settings", {}))
    nodes = {}
    for node_id, spec in r.mapping(data.get("nodes", {}), ("nodes",), "nodes").items():
        node = _read_node(r, node_id, spec)
        if node is not None:
            nodes[node_id] = node
    problems += r.problems
    prompts, prompt_problems, prompt_lines = read_prompts(prompt_dir, list(settings.languages), Path.cwd())
    problems += prompt_problems
    if prompt_overrides:
        prompts = _with_overrides(prompts, prompt_overrides)
    digest = hashlib.sha256(flow_path.read_bytes())
    for code in sorted(prompts.texts):
        for prompt_id in sorted(prompts.texts[code]):
            digest.update(f"{code}\0{prompt_id}\0{prompts.texts[code][prompt_id]}\0".encode())
    flow = model.Flow(settings, MappingProxyType(nodes), prompts, digest.hexdigest()[:16], (doc.file,))
    # What the checks need to say one thing a mistake: where things are, and what the loader already said.
    context = {"doc": doc, "prompt_lines": prompt_lines, "prompt_dir": prompt_dir, "loaded": list(problems)}
    return flow, problems, context


def _with_overrides(prompts: model.Prompts, overrides) -> model.Prompts:
    texts = {code: dict(table) for code, table in prompts.texts.items()}
    for code, table in overrides.items():
        texts.setdefault(code, {}).update(table)
    return model.Prompts(MappingProxyType(texts), prompts.words, prompts.review, prompts.fallback)


def load_flow(flow_path, prompt_dir=None, prompt_overrides=None, *, strict=True) -> model.Flow:
    """Load and check the call tree; raise FlowError listing every error found."""
    from .checks import check_flow

    flow, problems, context = read_flow(flow_path, prompt_dir, prompt_overrides)
    if flow is not None:
        problems += check_flow(flow, context)
    errors = sorted(p for p in problems if p.severity == "error")
    if errors or flow is None:
        raise FlowError(errors or problems)
    return flow


__all__ = ["NODE_KINDS", "load_flow", "read_flow", "load_text", "Problem"]
