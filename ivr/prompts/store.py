"""Prompt drafts, published versions, rollbacks and the live-state serial.

Plain functions over a SQLAlchemy session; the views call them inside one
transaction with the audit event, so an edit and its record stand or fall together.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

from sqlalchemy import func, select, update

from .models import LiveState, PromptDraft, PromptVersion, Recording, utcnow


class Conflict(Exception):
    """Someone else saved this prompt since the form was opened."""

    def __init__(self, draft: PromptDraft | None):
        # A plain copy: the session the draft came from is rolled back when this is raised.
        self.draft = (
            SimpleNamespace(text=draft.text, edited_by=draft.edited_by, edited_at=draft.edited_at) if draft else None
        )
        who = f" by {draft.edited_by}" if draft else ""
        super().__init__(f"Someone else changed these words{who} while you were editing.")


class Refused(Exception):
    """The words would break the line; carries the problems to show."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass(frozen=True)
class Key:
    language: str
    prompt_id: str


def live_serial(session) -> int:
    """The cheap check every worker makes: changes whenever anything is published."""
    return session.scalar(select(LiveState.serial).where(LiveState.id == 1)) or 0


def bump_serial(session) -> None:
    changed = session.execute(
        update(LiveState).where(LiveState.id == 1).values(serial=LiveState.serial + 1, changed_at=utcnow())
    )
    if changed.rowcount == 0:
        session.add(LiveState(id=1, serial=1))


def _latest_ids(session, model, *where):
    return select(func.max(model.id)).where(*where).group_by(model.language, model.prompt_id).scalar_subquery()


def published_texts(session) -> dict[str, dict[str, str]]:
    """{language: {prompt id: text}}: the newest published words of every prompt staff changed."""
    rows = session.scalars(select(PromptVersion).where(PromptVersion.id.in_(_latest_ids(session, PromptVersion))))
    out: dict[str, dict[str, str]] = {}
    for row in rows:
        out.setdefault(row.language, {})[row.prompt_id] = row.text
    return out


def published_recordings(session) -> dict[tuple[str, str], str]:
    """{(prompt id, language): digest} of the recordings callers hear."""
    rows = session.execute(
        select(Recording.prompt_id, Recording.language, Recording.digest).where(Recording.state == "published")
    )
    return {(p, lang): digest for p, lang, digest in rows}


def drafts(session) -> dict[tuple[str, str], PromptDraft]:
    return {(d.language, d.prompt_id): d for d in session.scalars(select(PromptDraft))}


def get_draft(session, language: str, prompt_id: str) -> PromptDraft | None:
    return session.scalar(
        select(PromptDraft).where(PromptDraft.language == language, PromptDraft.prompt_id == prompt_id)
    )


def save_draft(session, language: str, prompt_id: str, text: str, seen_revision: int, by: str) -> PromptDraft:
    """Save words as the draft; `seen_revision` is the draft revision the editor opened (0: none)."""
    draft = get_draft(session, language, prompt_id)
    current = draft.revision if draft else 0
    if current != seen_revision:
        raise Conflict(draft)
    if draft is None:
        draft = PromptDraft(language=language, prompt_id=prompt_id, text=text, revision=1, edited_by=by)
        session.add(draft)
    else:
        draft.text, draft.revision, draft.edited_by, draft.edited_at = text, current + 1, by, utcnow()
        draft.waiting_by, draft.waiting_since = "", None  # changed words must be asked about again
    session.flush()
    return draft


def discard_draft(session, language: str, prompt_id: str) -> None:
    draft = get_draft(session, language, prompt_id)
    if draft is not None:
        session.delete(draft)


def history(session, language: str, prompt_id: str) -> list[PromptVersion]:
    query = (
        select(PromptVersion)
        .where(PromptVersion.language == language, PromptVersion.prompt_id == prompt_id)
        .order_by(PromptVersion.id.desc())
    )
    return list(session.scalars(query))


def publish_text(session, language, prompt_id, text, by, action, validate) -> PromptVersion:
    """Make `text` live for one prompt, if `validate(overrides)` finds no problems (else Refused)."""
    overrides = published_texts(session)
    overrides.setdefault(language, {})[prompt_id] = text
    problems = validate(overrides)
    if problems:
        raise Refused(problems)
    return add_version(session, language, prompt_id, text, by, action)


def add_version(session, language, prompt_id, text, by, action) -> PromptVersion:
    """Store checked words as the live version and bump the serial (ivr.prompts.publish checks and renders first)."""
    version = PromptVersion(language=language, prompt_id=prompt_id, text=text, action=action, published_by=by)
    session.add(version)
    bump_serial(session)
    session.flush()
    return version


def publish_draft(session, language, prompt_id, seen_revision: int, by: str, validate) -> PromptVersion:
    draft = get_draft(session, language, prompt_id)
    if draft is None or draft.revision != seen_revision:
        raise Conflict(draft)
    version = publish_text(session, language, prompt_id, draft.text, by, "publish", validate)
    session.delete(draft)
    return version


def rollback(session, version_id: int, by: str, validate) -> PromptVersion:
    """Publish an earlier version's words again, as a new version."""
    old = session.get(PromptVersion, version_id)
    if old is None:
        raise LookupError(version_id)
    return publish_text(session, old.language, old.prompt_id, old.text, by, "rollback", validate)


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


def source_when_translated(session, source_language: str, language: str, prompt_id: str) -> str | None:
    """The `source_language` words a translation was last set against: the newest source version published
    before the translation's newest version (None: the shipped source words)."""
    translated = session.scalar(
        select(func.max(PromptVersion.id)).where(PromptVersion.language == language, PromptVersion.prompt_id == prompt_id)
    )
    query = (
        select(PromptVersion.text)
        .where(PromptVersion.language == source_language, PromptVersion.prompt_id == prompt_id)
        .where(PromptVersion.id < (translated or 0))
        .order_by(PromptVersion.id.desc())
        .limit(1)
    )
    return session.scalar(query)
