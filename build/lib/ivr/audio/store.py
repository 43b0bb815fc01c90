"""The content-addressed audio store: one folder of `<32 hex>.wav` files.

Synthetic clips live at the top, named by the hash of what shaped them
(`ClipSpec.name`); recordings live in `recordings/`, named by the hash of
their bytes. A file's existence is the truth: a clip is rendered when its
file is there. `manifest.json` only remembers, per prompt, the last clip
that rendered well and the texts that failed, so that a prompt whose new words
espeak-ng cannot say keeps playing its previous audio.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import tempfile
from pathlib import Path

log = logging.getLogger(__name__)

NAME = re.compile(r"[0-9a-f]{32}")
RECORDINGS = "recordings"
MANIFEST = "manifest.json"


def valid_name(name: str) -> bool:
    """Whether `name` (without .wav) could be a clip: exactly 32 lowercase hex digits."""
    return isinstance(name, str) and NAME.fullmatch(name) is not None


def clip_key(prompt_id: str, language: str, slow: bool) -> str:
    return f"{prompt_id}|{language}|{'slow' if slow else 'normal'}"


class AudioStore:
    """The files under IVR_AUDIO_DIR. Names are checked before any path is built from them."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    @property
    def recordings(self) -> Path:
        return self.root / RECORDINGS

    def path(self, name: str) -> Path | None:
        """The file holding clip `name`, synthetic or recorded, or None."""
        if not valid_name(name):
            return None
        for folder in (self.root, self.recordings):
            candidate = folder / f"{name}.wav"
            if candidate.is_file():
                return candidate
        return None

    def has(self, name: str) -> bool:
        return self.path(name) is not None

    def names(self) -> set[str]:
        """Synthetic clips present (recordings are not listed: the staff area owns them)."""
        if not self.root.is_dir():
            return set()
        return {p.stem for p in self.root.glob("*.wav") if valid_name(p.stem)}

    def write(self, name: str, wav: bytes, folder: Path | None = None) -> Path:
        """Store `wav` as clip `name`, atomically: a half-written file is never served."""
        if not valid_name(name):
            raise ValueError(f"not a clip name: {name!r}")
        folder = folder or self.root
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{name}.wav"
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".tmp-", suffix=".wav", delete=False) as handle:
            handle.write(wav)
        os.replace(handle.name, target)
        return target

    def save_recording(self, wav: bytes) -> str:
        """Keep a converted recording (see recordings.convert_recording); returns its file name."""
        name = hashlib.sha256(wav).hexdigest()[:32]
        if not (self.recordings / f"{name}.wav").is_file():
            self.write(name, wav, self.recordings)
        return f"{name}.wav"

    def remove_orphans(self, keep: set[str]) -> list[str]:
        """Delete synthetic clips not in `keep` (and stale temporary files); returns the names removed."""
        removed = []
        for name in sorted(self.names() - keep):
            (self.root / f"{name}.wav").unlink(missing_ok=True)
            removed.append(name)
        for leftover in self.root.glob(".tmp-*.wav") if self.root.is_dir() else ():
            leftover.unlink(missing_ok=True)
        return removed

    # --- the manifest: memory, never the truth ---------------------------------------
    def manifest(self) -> dict:
        try:
            data = json.loads((self.root / MANIFEST).read_text())
        except (OSError, ValueError):
            return {"good": {}, "failed": {}}
        if not isinstance(data, dict):
            return {"good": {}, "failed": {}}
        return {"good": dict(data.get("good") or {}), "failed": dict(data.get("failed") or {})}

    def save_manifest(self, manifest: dict) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=self.root, prefix=".tmp-", suffix=".json", delete=False) as handle:
            json.dump(manifest, handle, indent=1, sort_keys=True, ensure_ascii=False)
        os.replace(handle.name, self.root / MANIFEST)
