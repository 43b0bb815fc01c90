"""`ivr doctor`: is this deployment ready to take real calls? Each check says what to fix.

Checks are plain functions of the configuration returning Findings, so the
command, the tests and an operator's script all see the same answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from .flow import read_flow, speech
from .flow.checks import check_flow
from .flow.placeholders import placeholder


@dataclass(frozen=True)
class Finding:
    ok: bool
    what: str
    fix: str = ""

    def __str__(self) -> str:
        return f"ok       {self.what}" if self.ok else f"PROBLEM  {self.what}\n         fix: {self.fix}"


def check_token(config) -> list[Finding]:
    if config.get("TWILIO_AUTH_TOKEN"):
        return [Finding(True, "TWILIO_AUTH_TOKEN is set")]
    return [Finding(False, "TWILIO_AUTH_TOKEN is not set", "set it to the auth token of the Twilio account")]


def check_public_url(config) -> list[Finding]:
    url = config.get("IVR_PUBLIC_URL") or ""
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        return [
            Finding(
                False,
                f"IVR_PUBLIC_URL {url!r} is not an https origin",
                "set it to the https origin Twilio calls, e.g. https://line.example.org",
            )
        ]
    if parts.path not in ("", "/") or parts.query:
        return [Finding(False, f"IVR_PUBLIC_URL {url!r} has a path", "give only the origin: scheme and host")]
    return [Finding(True, f"IVR_PUBLIC_URL is {url}")]


def check_secret_key(config) -> list[Finding]:
    if config.get("SECRET_KEY_FROM_ENV"):
        return [Finding(True, "IVR_SECRET_KEY is set")]
    return [
        Finding(
            False,
            "IVR_SECRET_KEY is not set: each instance keeps its own key, so a staff sign-in holds on one server only",
            "set IVR_SECRET_KEY to a long random value, the same on every instance",
        )
    ]


def check_flow_and_numbers(config) -> list[Finding]:
    from .prompts import published

    live = published.read(config)  # the words callers hear: published over the files
    flow, problems, context = read_flow(config["IVR_FLOW"], config.get("IVR_PROMPTS"), live.overrides)
    if flow is not None:
        problems += check_flow(flow, context)
    if flow is None:
        return [
            Finding(
                False, f"the call tree cannot be read: {problems[0]}", "run `ivr check` and fix every line it prints"
            )
        ]
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        tree = Finding(
            False,
            f"the call tree has {len(errors)} error(s): {errors[0]}",
            "run `ivr check` and fix every line it prints",
        )
    else:
        tree = Finding(True, f"the call tree passes its checks ({len(flow.nodes)} nodes)")
    # The numbers are said one by one even when the tree has errors: a placeholder marked verified is one of them.
    findings = [tree, *check_numbers(flow)]
    doc = context.get("doc")
    where = (lambda code: f"{doc.file}:{doc.line('settings', 'languages', code, 'speech')}") if doc else None
    return findings if errors else findings + check_hours(flow, exceptions=admin_days(config)) + check_speech(flow, where)


def check_numbers(flow) -> list[Finding]:
    """Each number to transfer to: a real line someone rang and marked verified (a placeholder never is)."""
    findings = []
    for number in flow.settings.numbers.values():
        stand_in = placeholder(number.name, number.e164)
        if stand_in is not None:  # refused even when marked verified: the status cannot make it ring anyone
            findings.append(Finding(False, f"number {number.name} is a placeholder: {stand_in.why}", stand_in.fix))
        elif number.verified:
            findings.append(Finding(True, f"number {number.name} {number.e164} is marked verified"))
        else:
            findings.append(
                Finding(
                    False,
                    f"number {number.name} {number.e164} is marked {number.status!r}",
                    f'ring {number.spoken} yourself, then set its status to "verified" in flows.yaml',
                )
            )
    return findings


def check_speech(flow, where=None) -> list[Finding]:
    """Each language: whether its menus take words as well as keys (flows.yaml `speech`); `where(code)` is
    the file:line of a language's setting, said with a language Twilio's <Gather> does not list for speech."""
    findings = []
    for code, language in flow.settings.languages.items():
        if language.speech and not speech.twilio_lists(language.speech_language):
            at = f" ({where(code)})" if where else ""
            findings.append(
                Finding(
                    False,
                    f"{code}: menus listen for words{at}, but Twilio's <Gather> does not list "
                    f"{language.speech_language} for speech recognition, and a <Gather> asking for a language it "
                    "does not support fails as a whole (the caller's keys are lost too)",
                    f"set speech: false for {code} in flows.yaml; turn it on only after a live call has shown "
                    f"Twilio understands words in {language.speech_language}",
                )
            )
        elif language.speech:
            findings.append(
                Finding(True, f"{code}: menus take keys and words (speech recognition in {language.speech_language})")
            )
        else:
            findings.append(
                Finding(
                    True,
                    f"{code}: menus take keys only (speech: false in flows.yaml); callers are never asked to speak. "
                    f"Set speech: true only after a live call shows Twilio understands words in {language.speech_language}",
                )
            )
    return findings


def admin_days(config):
    """The closures and extra opening days an admin set in the staff area (none if the database cannot say)."""
    from sqlalchemy.exc import SQLAlchemyError

    from .calendar.store import CalendarStore
    from .db import Database
    from .flow.hours import NONE

    if not config.get("IVR_DATABASE_URL"):
        return NONE
    db = Database(config["IVR_DATABASE_URL"])
    try:
        return CalendarStore(db, cache_seconds=0).exceptions()
    except SQLAlchemyError:
        return NONE  # check_database says why
    finally:
        db.dispose()


def check_hours(flow, today=None, exceptions=None) -> list[Finding]:
    """Each line's opening hours must hold at least one working day in the next 60 days
    (weekly hours, bank holidays, and an admin's closures and extra days)."""
    import datetime as dt

    from .flow.hours import NONE, days_without_hours

    today = today or dt.date.today()
    findings = []
    for hours in flow.settings.hours.values():
        if days_without_hours(hours, today, 60, exceptions or NONE):
            findings.append(
                Finding(
                    False,
                    f"line {hours.name} has no opening hours in the next 60 days, so every caller hears it is closed",
                    f"give hours.{hours.name}.open weekly hours in flows.yaml, or remove closures that cover them "
                    "(the staff area's Calendar page)",
                )
            )
        else:
            findings.append(Finding(True, f"line {hours.name} has opening hours in the next 60 days"))
    return findings


def check_database(config) -> list[Finding]:
    from sqlalchemy.exc import SQLAlchemyError

    from .db import current_revisions, head_revisions

    url = config["IVR_DATABASE_URL"]
    shown = urlsplit(url)._replace(netloc=urlsplit(url).hostname or "").geturl() if "@" in url else url
    try:
        current = current_revisions(url)
    except SQLAlchemyError as exc:
        return [
            Finding(
                False,
                f"the database {shown} cannot be reached ({exc.__class__.__name__})",
                "check IVR_DATABASE_URL, that the server runs, and that this host may connect",
            )
        ]
    heads = head_revisions()
    if current != heads:
        return [
            Finding(
                False,
                f"the database is at {sorted(current) or 'no schema'}, not {sorted(heads)}",
                "run `ivr db upgrade`",
            )
        ]
    return [Finding(True, "the database is reachable and migrated")]


def check_data_key(config) -> list[Finding]:
    from .callbacks.crypto import DataKey
    from .errors import ConfigError

    if not config.get("IVR_DATA_KEY"):
        return [
            Finding(
                False,
                "IVR_DATA_KEY is not set: callers cannot book callbacks (or only with this machine's local key)",
                "set IVR_DATA_KEY to a Fernet key, the same on every instance, and keep a copy apart from backups",
            )
        ]
    try:
        DataKey(config["IVR_DATA_KEY"])
    except ConfigError as exc:
        return [Finding(False, "IVR_DATA_KEY is not a valid key", str(exc))]
    return [Finding(True, "IVR_DATA_KEY is set: callback numbers are sealed at rest")]


def check_audio(config) -> list[Finding]:
    if config.get("IVR_SPEECH") != "play":
        return [
            Finding(True, f"IVR_SPEECH is {config.get('IVR_SPEECH')!r}: Twilio speaks the prompts, no audio needed")
        ]
    from pathlib import Path

    from .audio.checks import audio_problems
    from .audio.clips import flow_clips
    from .audio.store import AudioStore
    from .audio.synth import SpeechError, engine_version
    from .flow import load_flow
    from .prompts import published

    live = published.read(config)
    flow = load_flow(config["IVR_FLOW"], config.get("IVR_PROMPTS"), live.overrides)
    prompt_dir = config.get("IVR_PROMPTS") or str(Path(config["IVR_FLOW"]).parent / "prompts")
    store = AudioStore(config["IVR_AUDIO_DIR"])
    try:
        published.fetch_clips(config, {c.name for c in flow_clips(flow, engine_version())}, store)
    except SpeechError:
        pass  # audio_problems says there is no voice
    problems = audio_problems(flow, store, prompt_dir, live.recordings)
    if problems:
        return [
            Finding(
                False,
                f"{len(problems)} audio problem(s), e.g. {problems[0]}",
                "run `ivr prompts render` (and `ivr check` for the prompts it names)",
            )
        ]
    return [Finding(True, f"every prompt callers hear ({live.source}) has rendered audio in {config['IVR_AUDIO_DIR']}")]


CHECKS = [
    check_token,
    check_public_url,
    check_secret_key,
    check_data_key,
    check_flow_and_numbers,
    check_database,
    check_audio,
]


def diagnose(config, checks=None) -> list[Finding]:
    findings: list[Finding] = []
    for check in checks or CHECKS:
        try:
            findings += check(config)
        except Exception as exc:  # a check that breaks is itself a finding, never a traceback
            findings.append(Finding(False, f"{check.__name__} could not run: {exc}", "see the message"))
    return findings
