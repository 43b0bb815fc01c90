"""Prompts: grouped by where callers hear them, edited with checks as you type,
saved as drafts, heard, published (checked first), with history and rollback."""

from __future__ import annotations

import difflib

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup, escape

from .. import audit
from ..errors import FlowError
from ..flow import load_flow, tree, wording
from ..staff import staff_blueprint, words
from ..staff.access import db, requires
from . import approval, sound, store
from . import publish as publishing
from .models import PromptVersion
from .textcheck import check_text

bp = staff_blueprint("prompts", __name__)



def shipped_flow():
    return current_app.extensions["ivr.line.shipped"].flow


def languages() -> list[str]:
    settings = shipped_flow().settings
    return [settings.default_language] + [c for c in settings.languages if c != settings.default_language]


def shipped_text(language: str, prompt_id: str) -> str | None:
    return shipped_flow().prompts.texts.get(language, {}).get(prompt_id)


def known(language: str, prompt_id: str) -> None:
    flow = shipped_flow()
    if language not in flow.settings.languages:
        abort(404)
    if not any(prompt_id in t for t in flow.prompts.texts.values()) and prompt_id not in tree.used_prompts(flow):
        abort(404)


def validate(overrides: dict) -> list[str]:
    """Every problem the published words would have: the prompt checks, then the whole flow's checks."""
    problems = []
    for language, table in overrides.items():
        for prompt_id, text in table.items():
            for message in check_text(text, language).errors:
                problems.append(f"{prompt_id} ({language}): {message}")
    config = current_app.config
    try:
        load_flow(config["IVR_FLOW"], config.get("IVR_PROMPTS"), overrides)
    except FlowError as exc:
        problems += [str(p) for p in exc.problems]  # file:line, as `ivr check` prints them
    return problems


def diff_html(old: str, new: str) -> Markup:
    """A word-level diff: deletions struck, insertions underlined (and said in words for screen readers)."""
    a, b = old.split(), new.split()
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(escape(" ".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(
                Markup('<del><span class="govuk-visually-hidden">removed: </span>{}</del>').format(" ".join(a[i1:i2]))
            )
        if j2 > j1:
            out.append(
                Markup('<ins><span class="govuk-visually-hidden">added: </span>{}</ins>').format(" ".join(b[j1:j2]))
            )
    return Markup(" ").join(out)


@bp.get("/prompts")
@requires("prompts")
def prompts():
    """Every prompt, grouped by where it is heard, each language side by side; `q` finds prompts by their words."""
    flow = shipped_flow()
    langs = languages()
    with db().session() as s:
        published = store.published_texts(s)
        drafts = store.drafts(s)
        recordings = store.published_recordings(s)
        stale = store.stale_translations(s, langs[0], langs)
    query = " ".join(request.args.get("q", "").split())[:200]

    def cell(language, prompt_id):
        live = published.get(language, {}).get(prompt_id)
        text = live if live is not None else shipped_text(language, prompt_id)
        return {
            "text": text,
            "changed": live is not None,
            "draft": (language, prompt_id) in drafts,
            "recorded": (prompt_id, language) in recordings,
            "stale": text is not None and (prompt_id, language) in stale,
        }

    def matches(cells) -> bool:
        needle = query.casefold()
        return any(needle in (c["text"] or "").casefold() for c in cells)

    groups = []
    for group in tree.groups(flow):
        rows = [(p, [cell(lang, p) for lang in langs]) for p in group.prompt_ids]
        rows = [(p, cells) for p, cells in rows if not query or matches(cells)]
        if rows:
            groups.append((group, rows))
    return render_template(
        "prompts/prompts.html",
        groups=groups,
        langs=langs,
        review=dict(flow.prompts.review),
        flow=flow,
        query=query,
        found=sum(len(rows) for _, rows in groups),
        stale_label=words.STALE_TRANSLATION,
    )


def _edit_context(language, prompt_id, s):
    flow = shipped_flow()
    published = store.published_texts(s)
    live = published.get(language, {}).get(prompt_id)
    live = live if live is not None else shipped_text(language, prompt_id) or ""
    others = []
    for other in languages():
        if other != language:
            text = published.get(other, {}).get(prompt_id, shipped_text(other, prompt_id))
            others.append((other, text, flow.prompts.review.get(other, "")))
    langs = languages()
    stale = language != langs[0] and (prompt_id, language) in store.stale_translations(s, langs[0], langs)
    english_change = None
    if stale:  # what changed in the source words since this translation was set, word by word
        then = store.source_when_translated(s, langs[0], language, prompt_id)
        then = then if then is not None else shipped_text(langs[0], prompt_id) or ""
        now = published.get(langs[0], {}).get(prompt_id, shipped_text(langs[0], prompt_id) or "")
        english_change = diff_html(then, now)
    return {
        "language": language,
        "prompt_id": prompt_id,
        "title": words.prompt_title(flow, prompt_id, live),
        "stale": stale and bool(live),
        "english_change": english_change,
        "source_language": langs[0],
        "live": live,
        "draft": store.get_draft(s, language, prompt_id),
        "others": others,
        "review": flow.prompts.review.get(language, ""),
        "heard_at": tree.where_heard(flow, prompt_id),
        "recordings": sound.recordings_for(s, language, prompt_id),
        "can_hear": sound.can_render(),
        "hear_reason": sound.unavailable_reason(),
        "publish_warnings": _publish_warnings(s, language, prompt_id),
    }


def _publish_warnings(session, language, prompt_id) -> list[str]:
    """What `ivr check` would warn of once the draft is published (a stretch over 30 seconds), in words."""
    draft = store.get_draft(session, language, prompt_id)
    if draft is None:
        return []
    overrides = store.published_texts(session)
    overrides.setdefault(language, {})[prompt_id] = draft.text
    config = current_app.config
    try:
        flow = load_flow(config["IVR_FLOW"], config.get("IVR_PROMPTS"), overrides)
    except FlowError:
        return []  # its errors are said at publish
    return wording.stretch_warnings(flow, prompt_id, language)


def render_edit(language, prompt_id, status=200, **extra):
    with db().session() as s:
        context = _edit_context(language, prompt_id, s)
    context.update(extra)
    text = context.get("text")
    if text is None:
        text = context["draft"].text if context["draft"] else context["live"]
        context["text"] = text
    context["report"] = check_text(text, language)
    context.setdefault("errors", {})
    return render_template("prompts/prompt_edit.html", **context), status


@bp.get("/prompts/<language>/<prompt_id>")
@requires("prompts")
def prompt_edit(language, prompt_id):
    """Edit one prompt in one language."""
    known(language, prompt_id)
    return render_edit(language, prompt_id)


@bp.post("/prompts/<language>/<prompt_id>/save")
@requires("prompts")
def prompt_save(language, prompt_id):
    """Save the words as a draft (checked first)."""
    known(language, prompt_id)
    text = request.form.get("text", "").replace("\r\n", "\n").strip()
    seen = request.form.get("revision", 0, type=int)
    report = check_text(text, language, shipped_flow().settings.numbers)
    if report.errors:
        return render_edit(
            language, prompt_id, 400, text=text, errors={"text": report.errors[0]}, all_errors=report.errors
        )
    try:
        with db().session() as s:
            draft = store.save_draft(s, language, prompt_id, text, seen, current_user.email)
            audit.record(s, "prompt.edit", f"{prompt_id} ({language}) draft {draft.revision}")
    except store.Conflict as exc:
        return render_edit(
            language,
            prompt_id,
            409,
            text=text,
            conflict=exc,
            errors={
                "text": f"{exc} Their words are shown as the draft below. Your words are still in this box: "
                "check theirs, then save again"
            },
        )
    flash("Draft saved. Listen to it, then publish it when it is right.", "success")
    return redirect(url_for("prompts.prompt_edit", language=language, prompt_id=prompt_id) + "#draft")


@bp.post("/prompts/<language>/<prompt_id>/publish")
@requires("prompts")
def prompt_publish(language, prompt_id):
    """Publish the draft: checked with the whole flow and the publish checks, its clips rendered, then live."""
    known(language, prompt_id)
    seen = request.form.get("revision", 0, type=int)
    confirm = request.form.get("confirm") == "yes" and current_user.role == "admin"
    with db().session() as s:
        draft = store.get_draft(s, language, prompt_id)
        text = draft.text if draft is not None else None
        live = store.published_texts(s).get(language, {}).get(prompt_id, shipped_text(language, prompt_id) or "")
        numbers = shipped_flow().settings.numbers
        reasons = approval.needs_approval(prompt_id, live, text, numbers) if text is not None else []
        alone = bool(reasons) and not approval.others_who_may_approve(s, current_user.email)
    if alone:  # nobody else could approve: published as before, and said so (page and audit trail)
        reasons, unchecked = [], reasons
    try:
        if text is None:
            raise store.Conflict(None)
        if reasons:  # safety words: checked now, live only once another editor or an admin approves them
            publishing.vet(language, prompt_id, text, draft_revision=seen, confirm=confirm)
            return ask_approval(language, prompt_id, seen, reasons)
        outcome = publishing.publish(
            language, prompt_id, text, current_user.email, draft_revision=seen, confirm=confirm
        )
    except store.Conflict as exc:
        return render_edit(
            language, prompt_id, 409, errors={"publish": f"{exc} Listen to the draft again before publishing it."}
        )
    except publishing.Refused as exc:
        with db().session() as s:
            audit.record(s, "prompt.publish.refused", f"{prompt_id} ({language}): " + "; ".join(exc.problems)[:500])
        may_confirm = exc.overridable and current_user.role == "admin"
        tree_changed = any(getattr(p, "cause", "") == "tree" for p in exc.items)
        return render_edit(
            language,
            prompt_id,
            400,
            errors={
                "publish": "These words were not published. Callers still hear the words below. "
                + (
                    "An admin may confirm the problems below and publish anyway."
                    if may_confirm
                    else "The call tree on the server changed: the problems below say what changed and who can act."
                    if tree_changed
                    else "Fix the draft and try again."
                )
            },
            problems=exc.problems,
            may_confirm=may_confirm,
            tree_changed=tree_changed,
        )
    flash(outcome.message(), "success")
    if alone:
        with db().session() as s:
            audit.record(s, "prompt.approval.nobody_else", f"{prompt_id} ({language}): " + "; ".join(unchecked))
        flash(
            f"These are safety words ({'; '.join(unchecked)}) and no second person checked them: no other editor "
            "or admin has an account. Add one under Accounts, so safety words are approved by two people.",
            "info",
        )
    return redirect(url_for("prompts.prompt_edit", language=language, prompt_id=prompt_id))


def ask_approval(language, prompt_id, seen, reasons):
    """The draft (checked) waits for a second staff member: said on the page, audited."""
    with db().session() as s:
        draft = store.get_draft(s, language, prompt_id)
        if draft is None or draft.revision != seen:
            raise store.Conflict(draft)
        if not draft.waiting:
            approval.ask(s, draft, current_user.email)
            audit.record(s, "prompt.approval.asked", f"{prompt_id} ({language}) draft {seen}: " + "; ".join(reasons))
    flash(
        f"Waiting for approval: these are safety words ({'; '.join(reasons)}), so another editor or an admin "
        "must approve them before callers hear them. Callers still hear the words they heard before.",
        "info",
    )
    return redirect(url_for("prompts.prompt_edit", language=language, prompt_id=prompt_id) + "#draft")


@bp.post("/prompts/<language>/<prompt_id>/confirm")
@requires("prompts")
def prompt_confirm(language, prompt_id):
    """A translation still fits its changed English: publish the same words again, so it is in step."""
    known(language, prompt_id)
    if language == languages()[0]:
        abort(400)
    with db().session() as s:
        text = store.published_texts(s).get(language, {}).get(prompt_id)
    text = text if text is not None else shipped_text(language, prompt_id)
    if text is None:
        abort(404)
    try:
        publishing.publish(language, prompt_id, text, current_user.email, "confirm")
    except publishing.Refused as exc:
        return render_edit(language, prompt_id, 400, errors={"publish": "Not confirmed."}, problems=exc.problems)
    flash("Confirmed: this translation is in step with the English words.", "success")
    return redirect(url_for("prompts.prompt_edit", language=language, prompt_id=prompt_id))


@bp.post("/prompts/<language>/<prompt_id>/discard")
@requires("prompts")
def prompt_discard(language, prompt_id):
    """Throw the draft away."""
    known(language, prompt_id)
    with db().session() as s:
        store.discard_draft(s, language, prompt_id)
        audit.record(s, "prompt.discard", f"{prompt_id} ({language})")
    flash("Draft discarded.", "success")
    return redirect(url_for("prompts.prompt_edit", language=language, prompt_id=prompt_id))


@bp.post("/prompts/check")
@requires("prompts")
def prompt_check():
    """JSON: the checks for words being typed (the edit page calls this as you type)."""
    data = request.get_json(silent=True) or {}
    text = str(data.get("text", ""))[:5000]
    language = str(data.get("language", "en-GB"))
    prompt_id = str(data.get("prompt_id", ""))[:100]
    settings = shipped_flow().settings
    return jsonify(check_text(text, language, settings.numbers, prompt_id, settings.keys).as_dict())


@bp.get("/prompts/<language>/<prompt_id>/history")
@requires("prompts")
def prompt_history(language, prompt_id):
    """Who changed this prompt, when, what changed; roll back to any version."""
    known(language, prompt_id)
    with db().session() as s:
        versions = store.history(s, language, prompt_id)
    shipped = shipped_text(language, prompt_id) or ""
    rows = []
    for index, version in enumerate(versions):
        before = versions[index + 1].text if index + 1 < len(versions) else shipped
        rows.append({"version": version, "diff": diff_html(before, version.text), "live": index == 0})
    return render_template(
        "prompts/prompt_history.html",
        language=language,
        prompt_id=prompt_id,
        rows=rows,
        shipped=shipped,
        live=versions[0].text if versions else shipped,
    )


@bp.post("/prompts/<language>/<prompt_id>/rollback")
@requires("prompts")
def prompt_rollback(language, prompt_id):
    """Publish an earlier version again (0: the shipped words): checked and rendered as any publish."""
    known(language, prompt_id)
    version_id = request.form.get("version", -1, type=int)
    if version_id == 0:
        text = shipped_text(language, prompt_id) or ""
    else:
        with db().session() as s:
            old = s.get(PromptVersion, version_id)
            if old is None:
                abort(404)
            if (old.language, old.prompt_id) != (language, prompt_id):
                abort(400)
            text = old.text
    try:
        outcome = publishing.publish(language, prompt_id, text, current_user.email, "rollback")
    except publishing.Refused as exc:
        flash("That version was not restored: " + "; ".join(exc.problems), "error")
        return redirect(url_for("prompts.prompt_history", language=language, prompt_id=prompt_id))
    flash(f"Rolled back to version {version_id or 'as shipped'}. " + outcome.message(), "success")
    return redirect(url_for("prompts.prompt_history", language=language, prompt_id=prompt_id))
