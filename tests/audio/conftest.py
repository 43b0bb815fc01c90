"""A tiny line for audio tests: the shipped settings, one goodbye node, a handful of prompts."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from ivr.flow import read_flow

ROOT = Path(__file__).resolve().parent.parent.parent

PROMPTS = {
    "en-GB": {
        "bye": "Goodbye, and take care.",
        "sys.press.1": "press 1.",
        "sys.digit.7": "seven",
    },
    "cy-GB": {
        "bye": "Hwyl fawr, a chymerwch ofal.",
        "sys.press.1": "pwyswch 1.",
        "sys.digit.7": "saith",
    },
}


def write_line(folder: Path, prompts: dict[str, dict[str, str]]) -> Path:
    """flows.yaml (the shipped settings, one node) and prompts/<language>.yaml in `folder`."""
    settings = (ROOT / "flows.yaml").read_text().split("\nnodes:")[0]
    flow_file = folder / "flows.yaml"
    flow_file.write_text(settings + "\nnodes:\n  bye:\n    kind: goodbye\n    prompts: [bye]\n")
    (folder / "prompts").mkdir(exist_ok=True)
    for code, table in prompts.items():
        lines = [f"meta:\n  language: {code}\n  review: approved\nprompts:"]
        lines += [f"  {pid}: {json.dumps(text, ensure_ascii=False)}" for pid, text in table.items()]
        (folder / "prompts" / f"{code}.yaml").write_text("\n".join(lines) + "\n")
    return flow_file


def load_line(folder: Path, prompts: dict[str, dict[str, str]]):
    flow, problems, _ = read_flow(write_line(folder, prompts))
    assert flow is not None, problems
    return flow


@pytest.fixture
def tiny(tmp_path):
    """Write the tiny line (optionally with changed words) and load it."""

    def make(**changes):
        prompts = {code: dict(table) for code, table in PROMPTS.items()}
        for (code, pid), text in changes.get("words", {}).items():
            prompts[code][pid] = text
        return load_line(tmp_path, prompts)

    return make


def tone(
    seconds: float, rate: int = 44100, channels: int = 1, level: float = 0.3, fmt="WAV", subtype="PCM_16"
) -> bytes:
    """A 440 Hz tone as audio file bytes (a stand-in for a staff recording)."""
    t = np.arange(int(seconds * rate)) / rate
    wave = (level * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    data = np.column_stack([wave] * channels) if channels > 1 else wave
    buffer = io.BytesIO()
    sf.write(buffer, data, rate, format=fmt, subtype=subtype)
    return buffer.getvalue()
