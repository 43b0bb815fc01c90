"""A copy of the shipped call tree and prompts in a test's folder, changed by text replacement."""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def shipped_copy(folder: Path, *changes: tuple[str, str]) -> Path:
    """flows.yaml (each (old, new) replaced everywhere; each must apply) and prompts/ in `folder`; the flow's path."""
    shutil.copytree(ROOT / "prompts", folder / "prompts")
    text = (ROOT / "flows.yaml").read_text()
    for old, new in changes:
        assert old in text, f"{old!r} is not in the shipped flows.yaml"
        text = text.replace(old, new)
    (folder / "flows.yaml").write_text(text)
    return folder / "flows.yaml"
