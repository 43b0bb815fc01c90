"""The call tree as staff see it: prompts grouped by where callers hear them,
walking the flow from its entry node by node (breadth first, in menu order)."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from . import model
from .wording import used_prompts

KIND_NAMES = {
    "guidance": "Guidance",
    "menu": "Menu",
    "language": "Language choice",
    "hours": "Opening hours",
    "transfer": "Transfer to a person",
    "callback": "Callback booking",
    "goodbye": "Goodbye",
}


@dataclass(frozen=True)
class Group:
    title: str
    node_id: str | None
    kind: str
    prompt_ids: tuple[str, ...]


def node_prompts(node: model.Node) -> list[str]:
    ids = list(getattr(node, "prompts", ())) + list(getattr(node, "intro", ()))
    ids += [c.prompt for c in getattr(node, "choices", ())]
    return ids


def walk(flow: model.Flow) -> list[model.Node]:
    """Nodes in the order a caller meets them: from the entry, then the person route."""
    order, seen = [], set()
    queue = deque([flow.settings.entry])
    while queue:
        node_id = queue.popleft()
        if node_id not in seen and node_id in flow.nodes:
            seen.add(node_id)
            node = flow.nodes[node_id]
            order.append(node)
            queue.extend(node.targets())
        if not queue and flow.settings.person_route not in seen:
            queue.append(flow.settings.person_route)  # key 0's route, after everything reached by choices
    order += [n for n in flow.nodes.values() if n.id not in seen]
    return order


def groups(flow: model.Flow) -> list[Group]:
    out, placed = [], set()
    for node in walk(flow):
        ids = [p for p in dict.fromkeys(node_prompts(node)) if p not in placed]
        placed.update(ids)
        if ids:
            out.append(Group(f"{KIND_NAMES.get(node.kind, node.kind)}: {node.id}", node.id, node.kind, tuple(ids)))
    system = [p for p in used_prompts(flow) if p not in placed]
    placed.update(system)
    if system:
        out.append(
            Group(
                "Said by the line itself (help, silence, wrong keys, counting)", None, "system", tuple(sorted(system))
            )
        )
    every = set()
    for texts in flow.prompts.texts.values():
        every.update(texts)
    unused = sorted(every - placed)
    if unused:
        out.append(Group("Not used by the call tree", None, "unused", tuple(unused)))
    return out


def where_heard(flow: model.Flow, prompt_id: str) -> list[str]:
    return [n.id for n in walk(flow) if prompt_id in node_prompts(n)]
