"""Read a YAML file safely into plain data, remembering the line of every value.

YAML 1.2 rules are used, so `yes`, `no`, `on` and `off` stay strings and can
never silently rename a node id or an answer. Duplicate keys are errors.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError

from .yamlerrors import explain


class _Constructor(RoundTripConstructor):
    """Dates that look like dates but are not (2026-13-25) stay text, so the loader can
    name their line, instead of failing the whole file at line 1."""

    def construct_yaml_timestamp(self, node, values=None):
        try:
            return super().construct_yaml_timestamp(node, values)
        except ValueError:
            return self.construct_scalar(node)


_Constructor.add_constructor("tag:yaml.org,2002:timestamp", _Constructor.construct_yaml_timestamp)


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the call tree or its prompts, with where it is."""

    file: str
    line: int
    message: str
    severity: str = field(default="error", compare=False)

    def __str__(self) -> str:
        tag = "" if self.severity == "error" else f"{self.severity}: "
        return f"{self.file}:{self.line}: {tag}{self.message}"


@dataclass
class Document:
    """Plain data from one YAML file plus the line (1-based) of each path in it."""

    file: str
    data: object
    lines: dict[tuple, int]
    # The comment written after a value on its own line ("goodbye: Bye. # reviewed"), by the value's path:
    # in words, an unquoted " #" starts one, and what follows is never said.
    comments: dict[tuple, str] = field(default_factory=dict)

    def line(self, *path) -> int:
        """The line of `path`, or of its nearest parent that has one."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return 1


def _inline_comment(node, key, line) -> str | None:
    """The comment after `key`'s value when it starts on the value's own line (1-based `line`)."""
    tokens = node.ca.items.get(key) or ()
    token = tokens[2] if len(tokens) > 2 else None
    if token is None or getattr(token, "start_mark", None) is None or token.start_mark.line + 1 != line:
        return None
    return token.value.strip()


def _plain(node, path, lines, comments):
    if isinstance(node, CommentedMap):
        out = {}
        for key, value in node.items():
            key_text = key if isinstance(key, str) else str(key)
            try:
                lines[path + (key_text,)] = node.lc.key(key)[0] + 1
            except (KeyError, TypeError):
                lines[path + (key_text,)] = node.lc.line + 1
            comment = _inline_comment(node, key, lines[path + (key_text,)])
            if comment:
                comments[path + (key_text,)] = comment
            out[key_text] = _plain(value, path + (key_text,), lines, comments)
        return out
    if isinstance(node, CommentedSeq):
        out = []
        for index, value in enumerate(node):
            try:
                lines[path + (index,)] = node.lc.item(index)[0] + 1
            except (KeyError, TypeError):
                lines[path + (index,)] = node.lc.line + 1
            out.append(_plain(value, path + (index,), lines, comments))
        return out
    if isinstance(node, dt.datetime):
        return node
    if isinstance(node, dt.date):
        return node
    if isinstance(node, bool | int | float) or node is None:
        return node
    return str(node)


def load_text(text: str, file: str) -> tuple[Document | None, list[Problem]]:
    """Parse YAML text; a syntax error comes back as a Problem, never an exception."""
    yaml = YAML(typ="rt")
    yaml.Constructor = _Constructor
    yaml.allow_duplicate_keys = False
    try:
        raw = yaml.load(text)
    except MarkedYAMLError as exc:
        line, message = explain(exc, text)
        return None, [Problem(file, line, message)]
    except Exception as exc:  # ruamel raises a few unmarked errors too
        return None, [Problem(file, 1, f"the file cannot be read as YAML ({exc}); check its indentation and quotes")]
    lines: dict[tuple, int] = {}
    comments: dict[tuple, str] = {}
    data = _plain(raw, (), lines, comments)
    return Document(file, data, lines, comments), []


def load_file(path, file: str | None = None) -> tuple[Document | None, list[Problem]]:
    """Read and parse a YAML file; a missing or unreadable file is a Problem."""
    name = file or str(path)
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except FileNotFoundError:
        return None, [Problem(name, 1, "file not found")]
    except (OSError, UnicodeDecodeError) as exc:
        return None, [Problem(name, 1, f"cannot read the file: {exc}")]
    return load_text(text, name)
