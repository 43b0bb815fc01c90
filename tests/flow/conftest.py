"""A small, valid call tree written into tmp_path, and a way to break it line by line.

Its helpline number is a valid UK number outside Ofcom's drama ranges and not a shipped default, so
marking it verified passes the checks (ivr/flow/placeholders.py); tests never dial it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ivr.flow.wording import SYSTEM_PROMPTS

FLOW = """\
settings:
  entry: welcome
  default_language: en-GB
  languages:
    en-GB:
      say_voice: Polly.Amy
      speech_language: en-GB
      espeak_voice: en-gb
      speech: true
    cy-GB:
      say_voice: Polly.Gwyneth
      speech_language: cy-GB
      espeak_voice: cy
      speech: false
  timeouts:
    normal: 7
    more_time: 25
    dial: 30
  speech_rate:
    normal: 100
    slow: 75
  retries:
    no_input: 3
    wrong_key: 3
  keys:
    person: "0"
    repeat: "*"
    back: "#"
    more_time: "9"
  routes:
    person: to_helpline
  numbers:
    helpline:
      e164: "+443000606699"
      spoken: "0300 060 6699"
      status: verified
  hours:
    helpline:
      timezone: Europe/London
      open:
        mon: "09:00-17:00"
      holidays:
        - 2026-12-25
nodes:
  welcome:
    kind: language
    prompts: [greeting]
    choices:
      - key: "1"
        language: en-GB
        prompt: choose
      - key: "2"
        language: cy-GB
        prompt: choose
    next: main
  main:
    kind: menu
    back: welcome
    choices:
      - key: "1"
        prompt: info.choice
        goto: info
      - key: "2"
        prompt: person.choice
        goto: transfer
  info:
    kind: guidance
    prompts: [info.text]
    next: main
  to_helpline:
    kind: hours
    hours: helpline
    open: transfer
    closed: main
  transfer:
    kind: transfer
    number: helpline
    prompts: [transfer.text]
    on_fail: main
    after: goodbye
  goodbye:
    kind: goodbye
    prompts: [goodbye]
"""

NODE_PROMPTS = ("greeting", "choose", "info.choice", "person.choice", "info.text", "transfer.text", "goodbye")
ALL_PROMPTS = NODE_PROMPTS + SYSTEM_PROMPTS + ("sys.choices.1", "sys.choices.2", "sys.press.1", "sys.press.2")


def spoken(prompt_id: str) -> str:
    """Words a speech engine can say for a prompt id ("sys.wrong_key" -> "sys wrong key")."""
    return prompt_id.replace(".", " ").replace("_", " ")


def prompts_text(language: str, ids=ALL_PROMPTS, meta_extra: str = "") -> str:
    lines = ["meta:", f"  language: {language}", "  review: approved"]
    if meta_extra:
        lines.append(meta_extra)
    lines.append("prompts:")
    lines += [f"  {prompt_id}: Words for {spoken(prompt_id)} in {language}." for prompt_id in ids]
    lines += ["words:", "  info.choice: [information]", "  person.choice: [person]"]
    return "\n".join(lines) + "\n"


class FlowFiles:
    """flows.yaml and prompts/<language>.yaml in a folder, each editable by text replacement."""

    def __init__(self, root: Path):
        self.root = root
        self.flow = root / "flows.yaml"
        (root / "prompts").mkdir(exist_ok=True)
        self.flow.write_text(FLOW)
        for language in ("en-GB", "cy-GB"):
            self.prompts(language).write_text(prompts_text(language))

    def prompts(self, language: str) -> Path:
        return self.root / "prompts" / f"{language}.yaml"

    def replace(self, old: str, new: str, path: Path | None = None) -> Path:
        """Change the first `old` to `new`; the change must apply, or the test is wrong."""
        path = path or self.flow
        text = path.read_text()
        assert old in text, f"{old!r} is not in {path.name}"
        path.write_text(text.replace(old, new, 1))
        return path

    def line_of(self, marker: str, path: Path | None = None) -> int:
        """The 1-based line where `marker` first appears."""
        lines = (path or self.flow).read_text().splitlines()
        return next(number for number, text in enumerate(lines, start=1) if marker in text)


@pytest.fixture
def files(tmp_path) -> FlowFiles:
    return FlowFiles(tmp_path)
