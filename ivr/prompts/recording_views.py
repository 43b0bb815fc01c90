"""Recordings: upload a WAV or MP3 for a prompt and language, hear it, publish it,
remove it to go back to the synthetic voice; and hearing a draft."""

from __future__ import annotations

import io
from pathlib import Path

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from sqlalchemy import update

from .. import audit
from ..staff.access import db, requires
from . import sound, store
from .models import Recording
from .views import bp, known, render_edit, shipped_flow

AUDIO_TYPES = (".wav", ".mp3")


@bp.get("/prompts/<language>/<prompt_id>/draft.wav")
@requires("prompts")
def prompt_draft_audio(language, prompt_id):
    """The draft words rendered by the line's own voice (or the live words with ?live=1)."""
    known(language, prompt_id)
    if not sound.can_render():
        abort(404)
    with db().session() as s:
        draft = store.get_draft(s, language, prompt_id)
        text = draft.text if draft and not request.args.get("live") else None
        if text is None:
            text = store.published_texts(s).get(language, {}).get(prompt_id)
    if text is None:
        text = shipped_flow().prompts.texts.get(language, {}).get(prompt_id, "")
    try:
        path = sound.render_draft(shipped_flow(), prompt_id, text, language)
    except sound.SpeechError as exc:
        return render_template(
            "staff/message.html",
            title="The draft cannot be played",
            message=f"The voice could not say these words: {exc}",
        ), 422
    # From memory, not a file stream: a draft clip is a few hundred KB at most, and a browser that stops loading it
    # (the page left mid-play) leaves no open file behind in the server.
    return send_file(io.BytesIO(Path(path).read_bytes()), mimetype="audio/wav", max_age=0, conditional=True)


@bp.post("/prompts/<language>/<prompt_id>/recording")
@requires("prompts")
def recording_upload(language, prompt_id):
    """Upload a recording (WAV or MP3, up to 10 MB and the pipeline's length limit)."""
    known(language, prompt_id)
    upload = request.files.get("recording")
    error = None
    if not sound.can_convert():
        error = "Recordings cannot be converted on this server: the audio pipeline is not installed"
    elif upload is None or not upload.filename:
        error = "Choose a WAV or MP3 file to upload"
    elif not upload.filename.lower().endswith(AUDIO_TYPES):
        error = "The recording must be a WAV or MP3 file"
    if error is None:
        data = upload.read(sound.MAX_UPLOAD_BYTES + 1)
        if len(data) > sound.MAX_UPLOAD_BYTES:
            error = f"The recording must be smaller than {sound.MAX_UPLOAD_BYTES // 1024 // 1024} MB"
        else:
            try:
                wav, name, seconds = sound.convert(data, upload.filename)
            except sound.RecordingError as exc:
                error = str(exc)[0].upper() + str(exc)[1:]
    if error:
        return render_edit(language, prompt_id, 400, errors={"recording": error})
    with db().session() as s:
        s.execute(
            update(Recording)
            .where(Recording.language == language, Recording.prompt_id == prompt_id, Recording.state == "draft")
            .values(state="removed")
        )
        s.add(
            Recording(
                language=language,
                prompt_id=prompt_id,
                state="draft",
                digest=name,
                audio=wav,
                seconds=round(seconds),
                filename=upload.filename[:255],
                uploaded_by=current_user.email,
            )
        )
        audit.record(s, "recording.upload", f"{prompt_id} ({language}) {upload.filename[:80]}, {seconds:.0f} s")
    flash("Recording uploaded and converted for the phone. Listen to it, then publish it.", "success")
    return redirect(url_for("prompts.prompt_edit", language=language, prompt_id=prompt_id) + "#recordings")


def _recording(recording_id, language, prompt_id, s) -> Recording:
    row = s.get(Recording, recording_id)
    if row is None or (row.language, row.prompt_id) != (language, prompt_id) or row.state == "removed":
        abort(404)
    return row


@bp.get("/prompts/<language>/<prompt_id>/recording/<int:recording_id>.wav")
@requires("prompts")
def recording_audio(language, prompt_id, recording_id):
    """Hear an uploaded recording as callers would."""

    with db().session() as s:
        row = _recording(recording_id, language, prompt_id, s)
        data = row.audio
    return send_file(io.BytesIO(data), mimetype="audio/wav", download_name=f"{prompt_id}-{language}.wav", max_age=0)


@bp.post("/prompts/<language>/<prompt_id>/recording/<int:recording_id>/publish")
@requires("prompts")
def recording_publish(language, prompt_id, recording_id):
    """Callers hear this recording instead of the synthetic voice."""
    with db().session() as s:
        row = _recording(recording_id, language, prompt_id, s)
        s.execute(
            update(Recording)
            .where(Recording.language == language, Recording.prompt_id == prompt_id, Recording.state == "published")
            .values(state="removed")
        )
        row.state = "published"
        store.bump_serial(s)
        audit.record(s, "recording.publish", f"{prompt_id} ({language}) recording {row.id}")
    current_app.extensions["ivr.line"].refresh()
    flash("Recording published. Callers hear it from their next call.", "success")
    return redirect(url_for("prompts.prompt_edit", language=language, prompt_id=prompt_id) + "#recordings")


@bp.post("/prompts/<language>/<prompt_id>/recording/<int:recording_id>/remove")
@requires("prompts")
def recording_remove(language, prompt_id, recording_id):
    """Remove a recording: callers hear the synthetic voice again."""
    with db().session() as s:
        row = _recording(recording_id, language, prompt_id, s)
        was_live = row.state == "published"
        row.state = "removed"
        if was_live:
            store.bump_serial(s)
        audit.record(s, "recording.remove", f"{prompt_id} ({language}) recording {row.id}")
    if was_live:
        current_app.extensions["ivr.line"].refresh()
    flash("Recording removed. Callers hear the line's own voice for these words.", "success")
    return redirect(url_for("prompts.prompt_edit", language=language, prompt_id=prompt_id) + "#recordings")
