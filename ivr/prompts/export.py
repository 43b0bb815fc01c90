"""Write the published words back to prompts/<language>.yaml, so the shipped
defaults can catch up with what staff published (and be reviewed in git)."""

from __future__ import annotations

from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.scalarstring import FoldedScalarString

from . import store


def export_prompts(app, folder: Path | None = None) -> list[str]:
    """Update each language file in place (comments and order kept); returns what changed."""
    config = app.config
    folder = folder or (
        Path(config["IVR_PROMPTS"]) if config.get("IVR_PROMPTS") else Path(config["IVR_FLOW"]).parent / "prompts"
    )
    with app.extensions["ivr.db"].session() as session:
        published = store.published_texts(session)
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 88
    changed = []
    for language, table in sorted(published.items()):
        path = folder / f"{language}.yaml"
        data = yaml.load(path.read_text(encoding="utf-8"))
        prompts = data.setdefault("prompts", {})
        for prompt_id, text in sorted(table.items()):
            if str(prompts.get(prompt_id, "")).strip() == text:
                continue
            prompts[prompt_id] = FoldedScalarString(text) if len(text) > 80 else text
            changed.append(f"{path}: {prompt_id}")
        with path.open("w", encoding="utf-8") as handle:
            yaml.dump(data, handle)
    return changed
