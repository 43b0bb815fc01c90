"""A second pair of eyes for safety words: a change to words that say 999, a phone number or "danger", or to
the key guide, waits for another editor or admin to approve it before callers hear it. Everything else
publishes as it always has.

The rule is decided from the words callers hear now and the new words together, so taking 999 out of the
greeting needs approval as much as putting a new number in. A draft waits at one revision: saving it again
ends the wait (store.save_draft), so what is approved is exactly what was asked about. Waiting drafts are
drafts: callers never hear them until they are approved, checked and published (ivr.prompts.publish).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from sqlalchemy import func, select

from ..flow.model import KEY_GUIDE_PROMPT, SPEECH_COMPANION
from ..flow.spoken_numbers import numbers_said
from ..staff.models import Staff
from .models import PromptDraft, utcnow

APPROVERS = ("editor", "admin")  # the roles that edit prompts

# Prompts that are safety words whatever they say: the key guide is how callers learn 0 reaches a person.
SAFETY_PROMPTS = frozenset({KEY_GUIDE_PROMPT, KEY_GUIDE_PROMPT + SPEECH_COMPANION})
_EMERGENCY = re.compile(r"(?<!\d)999(?!\d)|\bnine[\s,-]+nine[\s,-]+nine\b|\bnaw[\s,-]+naw[\s,-]+naw\b", re.IGNORECASE)
_DANGER = re.compile(r"\b(?:danger|perygl)\b", re.IGNORECASE)  # "in danger", Welsh "mewn perygl"; not "dangerous"


class NotAllowed(Exception):
    """This person may not do this to this draft (the message says why, in words)."""


def safety_reasons(prompt_id: str, text: str, numbers: Mapping) -> list[str]:
    """Why `text` (the words of `prompt_id`) are safety words, in words; [] when they are not."""
    reasons = []
    if prompt_id in SAFETY_PROMPTS:
        reasons.append("it is the key guide, where callers learn that 0 reaches a person")
    if _EMERGENCY.search(text):
        reasons.append("it says 999")
    spoken = [re.sub(r"\D", "", n.spoken) for n in numbers.values()]
    short = [d for d in spoken if d and re.search(rf"(?<!\d){d}(?!\d)", re.sub(r"(?<=\d)[ -](?=\d)", "", text))]
    if numbers_said(text) or short:
        reasons.append("it says a phone number")
    if _DANGER.search(text):
        reasons.append('it says "danger"')
    return reasons


def needs_approval(prompt_id: str, live: str, new: str, numbers: Mapping) -> list[str]:
    """Why changing `live` to `new` needs a second staff member's approval ([] when it does not)."""
    if live.strip() == new.strip():
        return []
    reasons = safety_reasons(prompt_id, new, numbers)
    for reason in safety_reasons(prompt_id, live, numbers):
        if reason not in reasons:
            reasons.append(reason.replace("it says", "the words callers hear now say", 1))
    return reasons


def others_who_may_approve(session, email: str) -> int:
    """How many other active accounts may approve (editors and admins). With none, there is no second pair
    of eyes to ask: a lone editor is not locked out of correcting the helpline number, and is told so."""
    query = select(func.count()).select_from(Staff)
    query = query.where(Staff.active.is_(True), Staff.role.in_(APPROVERS), Staff.email != email)
    return session.scalar(query) or 0


def waiting(session) -> list[PromptDraft]:
    """Drafts waiting for approval, the longest waiting first."""
    query = select(PromptDraft).where(PromptDraft.waiting_by != "").order_by(PromptDraft.waiting_since)
    return list(session.scalars(query))


def ask(session, draft: PromptDraft, by: str) -> None:
    """`by` asks for `draft` (checked already) to be approved."""
    draft.waiting_by, draft.waiting_since = by, utcnow()
    draft.sent_back_by, draft.sent_back_note = "", ""


def may_approve(draft: PromptDraft, email: str) -> str | None:
    """None when `email` may approve or send back `draft`; else why not, in words."""
    if not draft.waiting:
        return "These words are not waiting for approval."
    if email in (draft.waiting_by, draft.edited_by):
        return (
            "You wrote or asked about these words, so someone else must approve them: "
            "another editor or an admin."
        )
    return None


def send_back(session, draft: PromptDraft, by: str, note: str) -> None:
    """Not approved: the draft stays a draft, with the note saying why."""
    reason = may_approve(draft, by)
    if reason is not None:
        raise NotAllowed(reason)
    draft.waiting_by, draft.waiting_since = "", None
    draft.sent_back_by, draft.sent_back_note = by, note
