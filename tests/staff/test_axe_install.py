"""The README's test command installs axe-core itself: no separate `npm ci` step."""

from __future__ import annotations

import shutil

import pytest

from .axe import FOLDER, axe_script, ensure_axe


@pytest.mark.slow
@pytest.mark.debian("nodejs", "npm")
def test_a_fresh_clone_gets_axe_core_from_the_lock_file(tmp_path):
    for name in ("package.json", "package-lock.json"):
        shutil.copy(FOLDER / name, tmp_path / name)
    assert not axe_script(tmp_path).exists()
    assert ensure_axe(tmp_path) == ""
    assert axe_script(tmp_path).stat().st_size > 100_000
    assert ensure_axe(tmp_path) == ""  # a second call finds it and installs nothing


def test_without_npm_the_message_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert "apt-get install nodejs npm" in ensure_axe(tmp_path)
