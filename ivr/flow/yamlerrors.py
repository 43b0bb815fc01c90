"""YAML syntax errors in plain words, at the line where the mistake is.

ruamel.yaml says where it noticed a mistake ("mapping values are not allowed here", one line
after a missing colon; "unexpected end of stream", at the end of the file after an unclosed quote).
Staff who edit flows.yaml and the prompts need the line to change and what to write there, so each
kind of error is explained from the parser's marks and the text around them.
"""

from __future__ import annotations

import re

from ruamel.yaml.error import MarkedYAMLError

_KEY_VALUE = re.compile(r"^(\s*)(-\s+)?([^\s:#'\"][^:#]*?):(\s+(.*))?$")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _spaces(count: int) -> str:
    return "1 space" if count == 1 else f"{count} spaces"


def _previous(lines: list[str], index: int) -> int | None:
    """The index of the nearest line above `index` with something on it (not blank, not a comment)."""
    for i in range(index - 1, -1, -1):
        stripped = lines[i].strip()
        if stripped and not stripped.startswith("#"):
            return i
    return None


def _above_with_indent(lines: list[str], index: int, fits) -> int | None:
    """The nearest line above `index` (not blank, not a comment) whose indentation `fits`."""
    i = _previous(lines, index)
    while i is not None:
        if fits(_indent(lines[i])):
            return i
        i = _previous(lines, i)
    return None


_BLOCK_TEXT = re.compile(r":\s*[>|][-+]?\s*(#.*)?$")  # "callback.about: >-": the words follow, indented


def _needs_colon(lines: list[str], index: int) -> tuple[int, str]:
    """A line with no colon where a name was expected: words that slipped out of the text above, or a name."""
    text = lines[index].strip()
    above = _previous(lines, index)
    while above is not None and ":" not in lines[above]:
        above = _previous(lines, above)  # the other lines of the same words
    if above is not None and _BLOCK_TEXT.search(lines[above]):
        name = lines[above].split(":", 1)[0].strip()
        return index + 1, (
            f"these words are not indented under {name!r}, so they read as a new name; indent them "
            f"{_spaces(_indent(lines[above]) + 2)}, like the other lines of its words"
        )
    words = text.split(None, 1)
    if len(text.split()) > 2:
        return index + 1, (
            f"{text[:40]!r}... has no name and colon before it: if these words belong to the line above, indent them "
            "under it; if they start something new, write its name, a colon and a space first"
        )
    hint = f"{words[0]}: {words[1]}" if len(words) == 2 else f"{words[0]}:"
    return index + 1, f"{text!r} needs a colon after its name; write it as {hint!r}"


def _open_quote(lines: list[str], first: int, last: int) -> tuple[int, str] | None:
    """(index, quote) of a line from `first` to `last` that opens a quote and does not close it.

    Quoted words may run over several lines in YAML, but in these files they never do: a quote
    left open is a mistake, and the parser only notices it on a later line.
    """
    for i in range(max(0, min(first, last - 3)), min(last, len(lines) - 1) + 1):
        line = lines[i].split(" #")[0]
        value = line.split(": ", 1)[1] if ": " in line else line.strip().removeprefix("- ")
        value = value.strip()
        if value[:1] == '"' and (len(value) == 1 or not value.endswith('"') or value.endswith('\\"')):
            return i, '"'
        if value[:1] == "'" and (len(value) == 1 or value.replace("''", "").count("'") % 2):
            return i, "'"
    return None


def explain(exc: MarkedYAMLError, text: str) -> tuple[int, str]:
    """(1-based line, message) for a YAML error: what is wrong there, and what to do."""
    lines = text.splitlines() or [""]
    problem = (exc.problem or "").strip()
    context = (exc.context or "").strip()
    mark = exc.problem_mark or exc.context_mark
    at = min(mark.line, len(lines) - 1) if mark else 0
    column = mark.column if mark else 0
    start = exc.context_mark.line if exc.context_mark else at
    here = lines[at] if at < len(lines) else ""

    if "duplicate key" in problem:
        name = re.search(r'duplicate key "([^"]*)"', problem)
        key = name.group(1) if name else "this name"
        first = next(
            (
                i + 1
                for i in range(start, at)
                if _indent(lines[i]) == _indent(here) and lines[i].strip().startswith(f"{key}:")
            ),
            None,
        )
        also = f" (first at line {first})" if first else ""
        return at + 1, f"{key!r} is written twice in the same place{also}; keep one and delete the other"

    if "cannot start any token" in problem:
        char = re.search(r"found character '(.+?)'", problem)
        found = char.group(1) if char else "?"
        if found == "\\t":
            return (
                at + 1,
                "this line is indented with a tab; YAML indents with spaces only: replace the tab with spaces",
            )
        return at + 1, (
            f"the words here start with {found!r}, which YAML keeps for itself; put the words in double quotes, "
            f'e.g. "{found}..."'
        )

    if context == "while scanning a quoted scalar":
        quote = lines[start][exc.context_mark.column] if exc.context_mark else '"'
        return start + 1, f"the quote mark {quote} opened on this line is never closed; end the words with {quote}"

    if context in ("while scanning an alias", "while scanning an anchor"):
        sign = "*" if "alias" in context else "&"
        return at + 1, f'a {sign} on its own means something else in YAML; put it in quotes: "{sign}"'

    if context in ("while parsing a flow sequence", "while parsing a flow mapping"):
        opened, closed = ("[", "]") if "sequence" in context else ("{", "}")
        return start + 1, (
            f"the {opened} opened on this line is not closed; close it with {closed} on the same line, "
            "with commas between the items"
        )

    if problem == "could not find expected ':'" and exc.context_mark is not None:
        return _needs_colon(lines, start)

    quoted = _open_quote(lines, start, at)
    if quoted is not None:  # a quote left open runs on to the next line and breaks it there
        line, quote = quoted
        return line + 1, f"the quote mark {quote} opened on this line is never closed; end the words with {quote}"

    if problem == "mapping values are not allowed here":
        colon_before = here[:column].find(": ")
        if colon_before != -1 and not here.lstrip().startswith("- "):
            return at + 1, (
                "the words here contain a colon and a space (': '), which YAML reads as the start of a new name; "
                'put the words in double quotes, e.g. name: "Words: more words"'
            )
        before = _previous(lines, at)
        if before is not None:
            above = lines[before]
            if ":" not in above:
                return _needs_colon(lines, before)
            if _indent(here) > _indent(above) and _KEY_VALUE.match(above) and _KEY_VALUE.match(above).group(5):
                return at + 1, (
                    f"this line is indented further than the line above ({_spaces(_indent(here))}, not "
                    f"{_indent(above)}), so it reads as more words of that line; line it up with the line above"
                )
        return at + 1, (
            "a colon and a space (': ') here cannot start a name; put the words in double quotes, "
            "or check the indentation of this line against the line above"
        )

    if problem.startswith("expected <block end>"):
        found = problem.split("but found", 1)[-1].strip(" '")
        owner = exc.context_mark.column if exc.context_mark else 0
        if found == "-":
            return at + 1, (
                "a list item ('- ...') cannot go among 'name: value' lines; indent it under a name that ends "
                "with a colon, or write it as 'name: value'"
            )
        value = here.split(": ", 1)[-1].strip()
        if found == "<scalar>" and value[:1] in "{[":
            return at + 1, (
                f"words that start with {value[0]} are read as a YAML {'list' if value[0] == '[' else 'mapping'}; "
                "put the words in double quotes"
            )
        if found == "<scalar>" and re.search(r"['\"]", here[:column]):
            if value.startswith('"'):
                return at + 1, (
                    'the words end early at a " inside them; inside "..." write \\" for a quote mark, '
                    "or put the words in single quotes instead"
                )
            return at + 1, (
                "the words go on after a closing quote mark; inside '...' write an apostrophe twice (''), "
                "or put the words in double quotes instead"
            )
        if _indent(here) == owner and context == "while parsing a block collection":
            parent = _above_with_indent(lines, at, lambda n: n < owner)
            end = f", or indent it like {lines[parent].strip()!r} to end the list" if parent is not None else ""
            return (
                at + 1,
                f"this line lines up with the list items above but does not start with '- '; start it with '- '{end}",
            )
        before = _previous(lines, at)
        parent = _previous(lines, before) if before is not None else None
        if (
            before is not None
            and parent is not None
            and _indent(here) == _indent(lines[parent]) + 2 < _indent(lines[before])
            and lines[parent].rstrip().endswith(":")
        ):  # the first line under a name went in too far; the next is where these files put it (2 more)
            return before + 1, (
                f"this line is indented {_spaces(_indent(lines[before]))}, but the line after it, "
                f"{here.strip()!r}, is indented {_indent(here)}; lines under {lines[parent].strip()!r} must line up"
            )
        if _indent(here) != owner:
            sibling = _above_with_indent(lines, at, lambda n: n == owner)
            likes = [lines[i] for i in dict.fromkeys(i for i in (before, sibling) if i is not None)]
            ways = " or ".join(f"like {line.strip()!r} ({_spaces(_indent(line))})" for line in likes)
            return (
                at + 1,
                f"this line is indented {_spaces(_indent(here))}, which lines up with no line above; indent it {ways}",
            )
        return at + 1, "this line does not fit with the lines above it; check its indentation and its colon"

    if problem == "sequence entries are not allowed here":
        return at + 1, (
            "a '- ' here starts a list item, which cannot follow a name on the same line; put the words in double "
            "quotes, or put each list item on its own line below, indented"
        )

    what = problem or context or "the YAML cannot be read"
    return at + 1, f"the YAML here cannot be read ({what}); check the indentation, colons and quotes on this line"
