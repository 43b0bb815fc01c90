"""Reading one YAML mapping with its line numbers kept: every value checked for its kind, unknown keys
refused with the allowed ones listed, each problem at its file and line (the loader's helper)."""

from __future__ import annotations

import re

from .targets import nearest
from .yamlfile import Document, Problem

_ID = re.compile(r"^[a-z][a-z0-9_.]*$")


def _allowed(keys) -> str:
    return ", ".join(sorted(keys))


class _Reader:
    """Collects problems while reading one Document into model objects."""

    def __init__(self, doc: Document):
        self.doc = doc
        self.problems: list[Problem] = []

    def problem(self, path, message, severity="error"):
        self.problems.append(Problem(self.doc.file, self.doc.line(*path), message, severity))

    def mapping(self, value, path, what) -> dict:
        if isinstance(value, dict):
            return value
        self.problem(path, f"{what} must be a mapping of names to values")
        return {}

    def keys(self, value: dict, path, allowed, required, what):
        """Unknown and missing keys. A misspelt key ("nxt") is one message, and its value is read
        as the key it most likely means, so the rest of the checks see what the author meant."""
        missing = set(required) - set(value)
        for key in list(value):
            if key in allowed:
                continue
            guess = nearest(key, missing) or nearest(key, set(allowed) - set(value))
            if guess is not None:
                self.problem(path + (key,), f"{what} has unknown key {key!r}; did you mean {guess!r}?")
                missing.discard(guess)
                value[guess] = value[key]
                self.doc.lines[path + (guess,)] = self.doc.line(*path, key)
            else:
                self.problem(path + (key,), f"{what} has unknown key {key!r}; allowed: {_allowed(allowed)}")
        for key in sorted(missing):
            self.problem(path, f"{what} is missing {key!r}; it needs: {_allowed(required)}")

    def text(self, value, path, what, default="") -> str:
        if isinstance(value, str) and value.strip():
            return value.strip()
        if isinstance(value, dict | list):  # `Hello {name}` or `[Note] ...`: braces and brackets mean something in YAML
            self.problem(
                path,
                f"{what} must be words, but {{ }} or [ ] made it a YAML {'list' if isinstance(value, list) else 'mapping'}; put the words in double quotes",
            )
            return default
        self.problem(path, f"{what} must be non-empty text")
        return default

    def integer(self, value, path, what, low, high, default) -> int:
        if isinstance(value, int) and not isinstance(value, bool) and low <= value <= high:
            return value
        self.problem(path, f"{what} must be a whole number from {low} to {high}")
        return default

    def ids(self, value, path, what) -> tuple[str, ...]:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not value:
            self.problem(path, f"{what} must be a list of prompt ids, e.g. [greeting]")
            return ()
        out = []
        for index, item in enumerate(value):
            if isinstance(item, str) and _ID.match(item):
                out.append(item)
            else:
                self.problem(path + (index,), f"{what}: {item!r} is not a prompt id (lower case, dots, underscores)")
        return tuple(out)
