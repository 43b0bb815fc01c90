"""The call tree as a picture: nodes, keys on the edges, transfers and the callback
booking marked. Described with the `graphviz` package (DOT text only) and laid out by
graphviz-pure, Graphviz's dot as a program in a wheel, so no system package is needed."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sysconfig
from pathlib import Path

import graphviz

from ..errors import IvrError
from ..flow import model

# What graphviz-pure draws (its -T names); PDF and PostScript it does not draw yet.
FORMATS = ("svg", "png", "jpeg", "jpg")

STYLE = {
    "guidance": {"shape": "note", "fillcolor": "#f3f2f1"},
    "menu": {"shape": "box", "style": "rounded,filled", "fillcolor": "#d2e2f1"},
    "language": {"shape": "box", "style": "rounded,filled", "fillcolor": "#d2e2f1"},
    "hours": {"shape": "diamond", "fillcolor": "#fff7bf"},
    "transfer": {"shape": "box", "style": "filled,bold", "fillcolor": "#cce2d8", "penwidth": "2"},
    "callback": {"shape": "box", "style": "filled,bold", "fillcolor": "#fcd6c3", "penwidth": "2"},
    "goodbye": {"shape": "oval", "fillcolor": "#e5e6e7"},
}
LABEL = {
    "transfer": "Transfer: {number}",
    "callback": "Callback booking",
    "hours": "Open? ({hours})",
}


def _label(node: model.Node) -> str:
    extra = LABEL.get(node.kind, "").format(number=getattr(node, "number", ""), hours=getattr(node, "hours", ""))
    return f"{node.id}\n{extra or node.kind}"


def build(flow: model.Flow) -> graphviz.Digraph:
    """A Digraph of the flow: one node per call-tree node, an edge per way on."""
    graph = graphviz.Digraph(
        "call_tree",
        graph_attr={"rankdir": "LR", "fontname": "Helvetica", "label": "Call tree", "labelloc": "t"},
        node_attr={"fontname": "Helvetica", "fontsize": "11", "style": "filled"},
        edge_attr={"fontname": "Helvetica", "fontsize": "10"},
    )
    graph.node("_start", "Call comes in", shape="circle", fillcolor="#ffffff")
    graph.edge("_start", flow.settings.entry)
    for node in flow.nodes.values():
        graph.node(node.id, _label(node), **STYLE.get(node.kind, {}))
    for node in flow.nodes.values():
        if isinstance(node, model.Menu):
            for choice in node.choices:
                graph.edge(node.id, choice.goto, label=f"press {choice.key}")
            graph.edge(node.id, node.back, label=f"{flow.settings.keys.back}: back", style="dashed")
        elif isinstance(node, model.HoursBranch):
            graph.edge(node.id, node.open, label="open")
            graph.edge(node.id, node.closed, label="closed")
        elif isinstance(node, model.Transfer):
            graph.edge(node.id, node.on_fail, label="busy / no answer / closed", style="dashed")
            graph.edge(node.id, node.after, label="after the call")
        elif isinstance(node, model.Callback):
            graph.edge(node.id, node.done, label="booked")
            graph.edge(node.id, node.fail, label="not booked", style="dashed")
        elif isinstance(node, model.LanguageMenu):
            keys = ", ".join(f"{c.key}: {c.language}" for c in node.choices)
            graph.edge(node.id, node.next, label=keys)
        elif isinstance(node, model.Guidance):
            graph.edge(node.id, node.next)
    person = flow.settings.person_route
    if person in flow.nodes:
        graph.node("_any", f"Any menu\n{flow.settings.keys.person}: a person", shape="plaintext", style="")
        graph.edge("_any", person, label=f"press {flow.settings.keys.person}", style="dotted")
    return graph


class DiagramError(IvrError):
    """The diagram could not be laid out (the layout program missing or failing)."""


def layout_program() -> str:
    """graphviz-pure's path: the one pip put beside this Python (its scripts folder is often
    not on PATH, as when `.venv/bin/ivr` is run directly), else whichever PATH finds."""
    name = "graphviz-pure.exe" if os.name == "nt" else "graphviz-pure"
    beside = Path(sysconfig.get_path("scripts")) / name
    if beside.is_file():
        return str(beside)
    found = shutil.which(name)
    if found is None:
        raise DiagramError("graphviz-pure is not installed (pip install graphviz-pure)")
    return found


def render(flow: model.Flow, fmt: str = "svg") -> bytes:
    """The diagram laid out and drawn in `fmt` (one of FORMATS)."""
    if fmt not in FORMATS:
        raise DiagramError(f"cannot draw {fmt!r}; one of {', '.join(FORMATS)}")
    try:
        done = subprocess.run(
            [layout_program(), f"-T{fmt}"],
            input=build(flow).source.encode("utf-8"),
            capture_output=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise DiagramError(f"graphviz-pure did not run: {exc}") from exc
    if done.returncode != 0:
        raise DiagramError(f"graphviz-pure failed: {done.stderr.decode('utf-8', 'replace').strip()}")
    return done.stdout


def svg(flow: model.Flow) -> str:
    """The diagram as SVG text."""
    return render(flow, "svg").decode("utf-8")


def inline_svg(flow: model.Flow) -> str:
    """SVG for embedding in a page: no XML prolog or doctype, with a title for screen readers."""
    text = svg(flow)
    text = re.sub(r"^.*?(<svg\b)", r"\1", text, flags=re.S)
    return text.replace("<svg ", '<svg role="img" aria-labelledby="diagram-title" ', 1)
