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


def tree_changes(old: model.Flow, new: model.Flow, place=lambda node_id: node_id) -> list[str]:
    """Where the call tree `new` leads callers differently from `old`, in words ("key 4 at Menu: main now leads
    to Guidance: help (it led to Guidance: protection)"); the words said are not compared. `place` names a node."""
    changes = []
    for node_id in sorted(set(old.nodes) | set(new.nodes)):
        before, after = old.nodes.get(node_id), new.nodes.get(node_id)
        if before is None or after is None:
            changes.append(f"{place(node_id)} was {'added' if before is None else 'removed'}")
            continue
        was = {c.key: c.goto for c in getattr(before, "choices", ()) if hasattr(c, "goto")}
        now = {c.key: c.goto for c in getattr(after, "choices", ()) if hasattr(c, "goto")}
        for key in sorted(set(was) | set(now)):
            if was.get(key) != now.get(key):
                to = f"now leads to {place(now[key])}" if key in now else "is no longer a choice"
                led = f" (it led to {place(was[key])})" if key in was else " (it was not a choice)"
                changes.append(f"key {key} at {place(node_id)} {to}{led}")
        for attribute in ("next", "back", "open", "closed", "on_fail", "after", "done", "fail"):
            a, b = getattr(before, attribute, None), getattr(after, attribute, None)
            if a != b and a is not None and b is not None:
                changes.append(f"after {place(node_id)} callers now go to {place(b)} (they went to {place(a)})")
    if old.settings.person_route != new.settings.person_route:
        changes.append(f"key 0 now leads to {place(new.settings.person_route)} (it led to {place(old.settings.person_route)})")
    return changes
