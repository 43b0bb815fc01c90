"""What callers hear now, for the commands: the published words, recordings and clips in the
database, over the shipped files in prompts/.

Staff publish words into the database (ivr/staff); the files stay the shipped
defaults. So `ivr prompts render/list/say`, `ivr check` and `ivr doctor` read
through here to tell the truth about the live line. No Flask app: a plain
engine on IVR_DATABASE_URL. When there is no database yet (a fresh machine, a
schema without the staff tables) the files are the truth, and `source` says so.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, inspect, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session


@dataclass
class Published:
    texts: dict = field(default_factory=dict)  # {language: {prompt id: text}}
    recordings: dict = field(default_factory=dict)  # {(prompt id, language): "<digest>.wav"}
    source: str = "the prompt files (no published words)"
    url: str | None = None  # the database read, when one was
    latest: dict = field(default_factory=dict)  # {(language, prompt id): newest version id}

    def stale_translations(self, source_language: str, languages) -> set[tuple[str, str]]:
        """{(prompt id, language)}: "English changed since this translation" (see ivr/staff/words.py)."""
        from .store import stale_from_latest

        return stale_from_latest(self.latest, source_language, languages)

    @property
    def overrides(self) -> dict | None:
        return self.texts or None

    def count(self) -> int:
        return sum(len(table) for table in self.texts.values())


def _database_exists(url: str) -> bool:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        return path in ("", ":memory:") or Path(path).is_file()
    return True


def _engine(url: str):
    return create_engine(url, pool_pre_ping=False)


def read(config) -> Published:
    """The published words and recordings in IVR_DATABASE_URL (nothing when it has none or cannot be read)."""
    url = config.get("IVR_DATABASE_URL")
    if not url or not _database_exists(url):
        return Published(source="the prompt files (no database yet)")
    from . import store

    engine = _engine(url)
    try:
        if not inspect(engine).has_table("prompt_version"):
            return Published(source="the prompt files (the database has no published words yet)")
        with Session(engine) as session:
            texts = store.published_texts(session)
            from .store import latest_versions

            latest = latest_versions(session)
            recordings = {key: f"{digest}.wav" for key, digest in store.published_recordings(session).items()}
            _fetch_recordings(session, config, recordings)
    except SQLAlchemyError as exc:
        return Published(source=f"the prompt files (the database cannot be read: {exc.__class__.__name__})")
    finally:
        engine.dispose()
    count = sum(len(t) for t in texts.values())
    source = f"the database ({count} published prompt(s) over the files)" if count else "the prompt files"
    return Published(texts, recordings, source, url, latest)


def _fetch_recordings(session, config, recordings) -> None:
    """Published recordings into the local audio folder, so what is listed or played is what callers hear."""
    from ..audio.store import AudioStore
    from .models import Recording

    if not config.get("IVR_AUDIO_DIR"):
        return
    store = AudioStore(config["IVR_AUDIO_DIR"])
    for name in recordings.values():
        digest = name.removesuffix(".wav")
        if not store.has(digest):
            audio = session.scalar(
                select(Recording.audio).where(Recording.digest == digest, Recording.state == "published").limit(1)
            )
            if audio:
                store.write(digest, audio, store.recordings)


@contextlib.contextmanager
def _clip_session(config):
    """A session on the database that holds published clips, or None when there is none to use yet
    (no database URL, no database, or not migrated as far as the `audio_clip` table)."""
    url = config.get("IVR_DATABASE_URL")
    if not url or not _database_exists(url):
        yield None
        return
    engine = _engine(url)
    try:
        if not inspect(engine).has_table("audio_clip"):
            yield None
        else:
            with Session(engine) as session:
                yield session
    finally:
        engine.dispose()


def fetch_clips(config, names: set[str], store) -> int:
    """Copy published clips the database holds and `store` lacks; returns how many."""
    wanted = sorted(n for n in names if not store.has(n))
    if not wanted:
        return 0
    from .models import AudioClip

    count = 0
    try:
        with _clip_session(config) as session:
            if session is None:
                return 0
            for start in range(0, len(wanted), 200):
                rows = session.execute(
                    select(AudioClip.name, AudioClip.audio).where(AudioClip.name.in_(wanted[start : start + 200]))
                )
                for name, wav in rows:
                    store.write(name, wav)
                    count += 1
    except SQLAlchemyError:
        return count
    return count


def keep_clips(config, names: set[str], store) -> int:
    """Store rendered clips of published words in the database, so every server has them; returns how many."""
    if not names:
        return 0
    from .models import AudioClip

    count = 0
    try:
        with _clip_session(config) as session:
            if session is None:
                return 0
            present = set(session.scalars(select(AudioClip.name).where(AudioClip.name.in_(sorted(names)))))
            for name in sorted(names - present):
                path = store.path(name)
                if path is not None:
                    session.add(AudioClip(name=name, audio=path.read_bytes()))
                    count += 1
            session.commit()
    except SQLAlchemyError:
        return 0
    return count
