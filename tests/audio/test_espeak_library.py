"""Which libespeak-ng speaks: the system's when installed, else the espeakng-loader wheel's own copy."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

PROBE = """
import json
from ivr.audio.synth import ClipSpec, Synthesizer, engine_version, espeak_library, loaded_espeak_file
synth = Synthesizer()
sizes = {voice: len(synth.render(ClipSpec(text, lang, voice, 160)))
         for voice, lang, text in (("en-gb", "en-GB", "Welcome to the line"), ("cy", "cy-GB", "Croeso i'r llinell"))}
print(json.dumps({"library": espeak_library(), "file": loaded_espeak_file(), "engine": engine_version(), "sizes": sizes}))
"""


def probe(**env) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", PROBE], env={**os.environ, **env}, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_wheel_speaks_english_and_welsh_without_a_system_espeak():
    import espeakng_loader

    found = probe(IVR_ESPEAK_LIBRARY="espeakng-loader")
    assert found["library"] == "espeakng-loader"
    assert Path(found["file"]).parent == Path(espeakng_loader.get_library_path()).parent  # and no other copy
    assert found["engine"].endswith("(espeakng-loader)")  # its clips are named apart from the system's
    assert found["sizes"]["en-gb"] > 8000 and found["sizes"]["cy"] > 8000


@pytest.mark.debian("libespeak-ng1")  # Debian's library, installed for the tests (tests/system_packages.py)
def test_the_system_library_is_preferred_when_installed():
    found = probe(IVR_ESPEAK_LIBRARY="")
    assert found["library"] == "system"
    assert found["file"].startswith("/usr/lib/")
