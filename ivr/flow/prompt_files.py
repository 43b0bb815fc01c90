"""Reading the prompt files, prompts/<language>.yaml: the words by prompt id, each with its line, a
language's review note and fallback, and every problem at its file and line."""

from __future__ import annotations

from pathlib import Path
from types import MappingProxyType

from . import model
from .reader import _ID, _allowed, _Reader  # noqa: F401
from .yamlfile import Problem, load_file

PROMPT_FILE_KEYS = frozenset({"meta", "prompts", "words"})

META_KEYS = frozenset({"language", "review", "fallback"})


def read_prompts(prompt_dir: Path, languages, base: Path) -> tuple[model.Prompts, list[Problem], dict]:
    """Read prompts/<language>.yaml for every language; returns prompts, problems, prompt lines."""
    problems: list[Problem] = []
    texts, words, review, fallback, lines = {}, {}, {}, {}, {}
    for code in languages:
        file = prompt_dir / f"{code}.yaml"
        doc, found = load_file(file, _display(file, base))
        problems += found
        texts[code], words[code] = {}, {}
        if doc is None:
            continue
        r = _Reader(doc)
        data = r.mapping(doc.data, (), "a prompts file")
        r.keys(data, (), PROMPT_FILE_KEYS, {"meta", "prompts"}, "the prompts file")
        meta = r.mapping(data.get("meta", {}), ("meta",), "meta")
        r.keys(meta, ("meta",), META_KEYS, {"language", "review"}, "meta")
        if meta.get("language") not in (None, code):
            r.problem(("meta", "language"), f"this file is for {code} but meta.language says {meta.get('language')!r}")
        review[code] = str(meta.get("review", ""))
        if "fallback" in meta:
            fallback[code] = str(meta["fallback"])
        for prompt_id, text in r.mapping(data.get("prompts", {}), ("prompts",), "prompts").items():
            if not _ID.match(prompt_id):
                r.problem(
                    ("prompts", prompt_id),
                    f"prompt id {prompt_id!r} must be lower case letters, digits, dots and underscores",
                )
            texts[code][prompt_id] = r.text(text, ("prompts", prompt_id), f"prompt {prompt_id!r} ({code})", "")
            comment = doc.comments.get(("prompts", prompt_id))
            if comment and isinstance(text, str):
                r.problem(
                    ("prompts", prompt_id),
                    f"prompt {prompt_id!r} ({code}): callers hear only {text.strip()!r}; an unquoted ' #' starts a "
                    f"YAML comment, so {comment!r} is not said. If it is part of the words, put them all in double quotes",
                    "warning",
                )
            lines[(code, prompt_id)] = (doc.file, doc.line("prompts", prompt_id))
        for word_id, phrases in r.mapping(data.get("words", {}), ("words",), "words").items():
            if not isinstance(phrases, list) or not all(isinstance(p, str) and p.strip() for p in phrases):
                r.problem(("words", word_id), f"words {word_id!r} must be a list of words or phrases")
                continue
            words[code][word_id] = tuple(p.strip().lower() for p in phrases)
        problems += r.problems
    prompts = model.Prompts(
        MappingProxyType(texts), MappingProxyType(words), MappingProxyType(review), MappingProxyType(fallback)
    )
    return prompts, problems, lines


def _display(path: Path, base: Path) -> str:
    try:
        return str(path.resolve().relative_to(base.resolve()))
    except ValueError:
        return str(path)
