"""Where each node leads, checked as one: unknown targets, the entry and person route, what cannot be reached.

One mistake gets one message. A misspelt `goto` is reported at its own line with the node it most
likely means ("did you mean 'prison'?"), and that node then counts as reached, so the guidance behind
it is not reported as unreachable too. A node that failed to load has its own message already, so
links to it are not reported again. Of a part of the tree nothing leads to, only its first node is
reported, naming the nodes behind it.
"""

from __future__ import annotations

import difflib
from collections import deque
from dataclasses import replace
from types import MappingProxyType

from . import model

# The keys of a node (or of a menu choice) whose value is a node id.
TARGET_KEYS = ("goto", "next", "back", "open", "closed", "on_fail", "after", "done", "fail")


def nearest(word: str, options) -> str | None:
    """The option `word` most likely misspells (difflib's ratio of at least 0.7), or None."""
    found = difflib.get_close_matches(str(word), sorted(options), n=1, cutoff=0.7)
    return found[0] if found else None


def did_you_mean(word: str, options) -> str:
    """ "; did you mean 'x'?" for the nearest option, or "" when none is close."""
    guess = nearest(word, options)
    return f"; did you mean {guess!r}?" if guess else ""


def _links(spec, path=()):
    """(node id, path) of every target written in a node's YAML data."""
    if isinstance(spec, dict):
        for key, value in spec.items():
            if key in TARGET_KEYS and isinstance(value, str):
                yield value, path + (key,)
            elif isinstance(value, list | dict):
                yield from _links(value, path + (key,))
    elif isinstance(spec, list):
        for index, item in enumerate(spec):
            yield from _links(item, path + (index,))


def check_targets(flow: model.Flow, context: dict, at) -> dict[str, str]:
    """Report unknown targets (at their own line), an unknown entry or person route, and unreachable nodes.

    Returns what each unknown name most likely means ({"prisn": "prison"}), for `as_meant`.
    """
    doc = context.get("doc")
    raw_nodes = doc.data.get("nodes") if doc and isinstance(doc.data, dict) else None
    raw_nodes = raw_nodes if isinstance(raw_nodes, dict) else {}
    nodes = flow.nodes
    s = flow.settings
    failed = {node_id for node_id in raw_nodes if node_id not in nodes}  # the loader said why

    def line_of(*path):
        return doc.line(*path) if doc else 1

    # Every link: (from node, to, line). A node that failed to load still leads where its YAML says.
    links: list[tuple[str, str, int]] = []
    for node_id in list(nodes) + sorted(failed):
        spec = raw_nodes.get(node_id, {})
        written = list(_links(spec)) if spec else []
        if node_id in nodes:
            node = nodes[node_id]
            paths = {value: path for value, path in reversed(written)}  # the first place each is written
            for target in node.targets():
                if target:
                    path = paths.get(target)
                    line = line_of("nodes", node_id, *path) if path else node.line
                    links.append((node_id, target, line))
        else:
            links += [(node_id, target, line_of("nodes", node_id, *path)) for target, path in written if target]

    known = set(nodes) | failed
    guesses: dict[str, str | None] = {}
    for _, target, _ in links:
        if target not in known and target not in guesses:
            guesses[target] = nearest(target, nodes)

    def resolved(node_id: str) -> str | None:
        return node_id if node_id in known else guesses.get(node_id, nearest(node_id, nodes))

    starts = []
    for name, node_id, path in (
        ("entry", s.entry, ("entry",)),
        ("routes.person", s.person_route, ("routes", "person")),
    ):
        if node_id in nodes:
            starts.append(node_id)
            continue
        guess = nearest(node_id, nodes)
        what = "the first node callers hear" if name == "entry" else f"where key {s.keys.person} goes"
        fix = f"did you mean {guess!r}?" if guess else f"name {what}"
        at(line_of("settings", *path), f"settings.{name} {node_id!r} is not a node; {fix}")
        if guess:
            starts.append(guess)
            guesses.setdefault(node_id, guess)
        elif name == "entry":
            starts = None  # nothing can be said about what callers reach
            break
    if starts is not None:
        # "Call me back" said on a menu with no callback choice of its own books the first callback
        # node by id (Engine.callback_target): words reach it even if no key does.
        bookings = sorted(n for n, node in nodes.items() if isinstance(node, model.Callback))
        menus = [node for node in nodes.values() if isinstance(node, model.Menu)]
        if bookings and any(not any(isinstance(nodes.get(c.goto), model.Callback) for c in m.choices) for m in menus):
            starts.append(bookings[0])

    graph: dict[str, list[str]] = {}
    for source, target, _ in links:
        to = resolved(target)
        if to is not None:
            graph.setdefault(source, []).append(to)
    reached = _reach(starts or [], graph) if starts is not None else set(known)

    # Parts of the tree nothing leads to: report each part once, at its first node.
    unreached = [node_id for node_id in nodes if node_id not in reached]
    inside = {to for source in unreached for to in graph.get(source, ()) if to != source}
    parts: list[tuple[str, list[str]]] = []
    covered: set[str] = set()
    for root in [n for n in unreached if n not in inside] + unreached:
        if root in covered:
            continue
        behind = [n for n in _reach([root], graph) if n not in reached and n != root and n not in covered]
        covered |= {root, *behind}
        parts.append((root, behind))

    unmatched = [
        (source, target, line) for source, target, line in links if target not in known and not guesses[target]
    ]
    lone = len({target for _, target, _ in unmatched}) == 1 and len(parts) == 1
    for source, target, line in links:
        if target in known:
            continue
        node = nodes.get(source)
        label = f"{node.kind} {source!r}" if node else f"node {source!r}"
        if guesses[target]:
            hint = f"did you mean {guesses[target]!r}?"
        elif lone:  # one unknown name and one part nothing leads to: most likely the same mistake
            hint = f"nothing leads to {parts[0][0]!r} now: did you mean it?"
        else:
            hint = f"known nodes: {', '.join(sorted(nodes))}"
        at(line, f"{label} goes to unknown node {target!r}; {hint}")
    meant = {target: guess for target, guess in guesses.items() if guess}
    if lone:
        meant[unmatched[0][1]] = parts[0][0]
        return meant
    for root, behind in parts:
        node = nodes[root]
        nor = f" (nor can {', '.join(behind)}, which only it leads to)" if behind else ""
        at(node.line, f"{node.kind} {root!r} cannot be reached from {s.entry!r}{nor}; link to it or remove it")
    return meant


def as_meant(flow: model.Flow, meant: dict[str, str]) -> model.Flow:
    """The flow with each misspelt target read as the node it most likely means, so that the checks after
    `check_targets` judge what the author meant and do not report the misspelling again in other words."""
    if not meant:
        return flow

    def fixed(node):
        changes = {
            key: meant[getattr(node, key)]
            for key in TARGET_KEYS
            if isinstance(getattr(node, key, None), str) and getattr(node, key) in meant
        }
        if isinstance(node, model.Menu):
            changes["choices"] = tuple(replace(c, goto=meant[c.goto]) if c.goto in meant else c for c in node.choices)
        return replace(node, **changes) if changes else node

    nodes = MappingProxyType({node_id: fixed(node) for node_id, node in flow.nodes.items()})
    settings = flow.settings
    settings = replace(
        settings,
        entry=meant.get(settings.entry, settings.entry),
        person_route=meant.get(settings.person_route, settings.person_route),
    )
    return replace(flow, nodes=nodes, settings=settings)


def _reach(starts, graph) -> set[str]:
    seen: set[str] = set()
    queue = deque(starts)
    while queue:
        node_id = queue.popleft()
        if node_id in seen:
            continue
        seen.add(node_id)
        queue.extend(graph.get(node_id, ()))
    return seen
