"""The package's shape, read from its imports (docs/architecture.md): one folder per capability,
arrows that point one way. A change that breaks a rule fails here, naming the import."""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "ivr"
CAPABILITIES = ("line", "calendar", "prompts", "audio", "callbacks", "reports", "tryline", "staff")
BASE = ("db", "errors", "instance", "audit", "metrics", "dryrun")
# The staff pages of each capability: the line never imports these (nor the shell).
PAGES = (
    "ivr.prompts.views",
    "ivr.prompts.recording_views",
    "ivr.prompts.diagram_views",
    "ivr.callbacks.queue_views",
    "ivr.callbacks.queue_attempts",
    "ivr.reports.views",
    "ivr.calendar.views",
    "ivr.tryline",
    "ivr.staff",
)
WEB = ("flask", "flask_login", "flask_wtf", "werkzeug", "sqlalchemy", "alembic", "jinja2", "markupsafe")
MAX_LINES = 450


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def modules() -> dict[str, Path]:
    return {module_name(p): p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts}


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports_in(tree: ast.AST):
    """Every import statement, at any depth (functions included), except under `if TYPE_CHECKING:`."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and _type_checking(node):
            yield from (n for child in node.orelse for n in _imports_in(child))
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        yield from _imports_in(node)


@cache
def imports_of(name: str) -> frozenset[str]:
    """The names `name` imports: ivr modules resolved (a package's submodule, else the package) and
    the top-level names of everything else."""
    path = modules()[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in _imports_in(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
            continue
        if node.level:
            base = package.split(".")[: len(package.split(".")) - node.level + 1]
            target = ".".join(base + ([node.module] if node.module else []))
        else:
            target = node.module or ""
        for alias in node.names:
            full = f"{target}.{alias.name}"
            found.add(full if full in modules() else target)
    found.discard(name)
    return frozenset(found)


def internal(name: str) -> set[str]:
    return {m for m in imports_of(name) if m in modules()}


def external(name: str) -> set[str]:
    return {m.split(".")[0] for m in imports_of(name) if not m.startswith("ivr")}


def folder(name: str) -> str:
    """`ivr.callbacks.store` -> `callbacks`; a top-level module is its own name."""
    return name.split(".")[1] if name != "ivr" else ""


def in_folder(name: str, *folders: str) -> bool:
    return name != "ivr" and folder(name) in folders


def test_every_module_is_read():
    assert {"ivr.engine", "ivr.engine.replies", "ivr.line.voice", "ivr.staff", "ivr.flow.model"} <= set(modules())
    assert "ivr.line.signature" in internal("ivr.line.voice")  # the reader resolves relative imports


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node):
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt) :] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        state[node] = 2
        stack.pop()
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_cycle_finder_finds_a_cycle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None


def test_rule_1_no_import_circles_between_modules():
    graph = {name: internal(name) - {"ivr"} for name in modules()}
    assert _cycle(graph) is None, " -> ".join(_cycle(graph))


def test_rule_1_no_import_circles_between_capabilities():
    graph: dict[str, set[str]] = {}
    for name in modules():
        if name == "ivr" or name.count(".") == 1 and name.split(".")[1] in ("cli", "doctor", "serve", "simulator"):
            continue  # the package root and the `ivr` command assemble every capability
        graph.setdefault(folder(name), set()).update(
            folder(m) for m in internal(name) if m != "ivr" and folder(m) != folder(name)
        )
    assert _cycle(graph) is None, " -> ".join(_cycle(graph))


@pytest.mark.parametrize("name", sorted(n for n in modules() if in_folder(n, "flow", "engine")))
def test_rule_2_the_call_tree_and_engine_are_pure(name):
    assert not external(name) & set(WEB), f"{name} imports {sorted(external(name) & set(WEB))}"
    allowed = ("flow", "engine") if in_folder(name, "engine") else ("flow", "errors")
    assert all(in_folder(m, *allowed) for m in internal(name)), f"{name} imports {sorted(internal(name))}"


@pytest.mark.parametrize("name", sorted(n for n in modules() if in_folder(n, "line")))
def test_rule_3_the_line_imports_no_staff_page(name):
    pages = {m for m in internal(name) if any(m == p or m.startswith(p + ".") for p in PAGES)}
    assert not pages, f"{name} imports {sorted(pages)}"


@pytest.mark.parametrize("name", [f"ivr.{b}" for b in BASE])
def test_rule_4_base_modules_import_no_capability(name):
    assert not {m for m in internal(name) if in_folder(m, *CAPABILITIES)}, f"{name} imports {sorted(internal(name))}"


@pytest.mark.parametrize("name", sorted(n for n in modules() if in_folder(n, "staff")))
def test_rule_5_the_staff_shell_imports_no_capability(name):
    others = {m for m in internal(name) if in_folder(m, *(c for c in CAPABILITIES if c != "staff"))}
    assert not others, f"{name} imports {sorted(others)}"


def test_rule_5_each_capability_registers_its_own_blueprint(app):
    homes = {name: bp.import_name for name, bp in app.blueprints.items()}
    expected = {
        "voice": "line", "callbacks": "callbacks", "audio": "audio", "staff": "staff", "prompts": "prompts",
        "queue": "callbacks", "reports": "reports", "calendar": "calendar", "tryline": "tryline",
    }  # fmt: skip
    for name, home in expected.items():
        assert name in homes, f"no blueprint {name!r}"
        assert folder(homes[name]) == home, f"blueprint {name!r} is made in {homes[name]}, not ivr/{home}/"


_RENDERED = re.compile(r"render_template\(\s*[\"']([\w/]+\.html)[\"']")


@pytest.mark.parametrize("name", sorted(n for n in modules() if in_folder(n, *CAPABILITIES)))
def test_rule_6_templates_live_beside_the_blueprint_that_renders_them(name):
    for template in _RENDERED.findall(modules()[name].read_text()):
        own = PACKAGE / folder(name) / "templates" / template
        shell = PACKAGE / "staff" / "templates" / template  # the shell's shared pages (a message, an error)
        assert own.is_file() or (template.startswith("staff/") and shell.is_file()), (
            f"{name} renders {template}, which is not in ivr/{folder(name)}/templates/"
        )


def test_rule_6_extends_and_includes_name_templates_that_exist():
    shell = PACKAGE / "staff" / "templates"
    for page in PACKAGE.rglob("templates/**/*.html"):
        home = page.parents[1]
        for used in re.findall(r"{%\s*(?:extends|include|import|from)\s+[\"']([\w/]+\.html)[\"']", page.read_text()):
            assert (home / used).is_file() or (shell / used).is_file(), f"{page.relative_to(ROOT)} uses {used}"


@pytest.mark.parametrize("name", sorted(modules()))
def test_no_module_is_over_450_lines(name):
    lines = len(modules()[name].read_text().splitlines())
    assert lines <= MAX_LINES, f"{modules()[name].relative_to(ROOT)} has {lines} lines: split it by what it does"


def test_rule_checks_fail_on_a_broken_rule(tmp_path, monkeypatch):
    """The readers above catch what they are for: a staff import in the line, a circle, a Flask import in flow."""
    fake = {
        "ivr.line.voice": "from ..staff import access\n",
        "ivr.flow.model": "import flask\nfrom ..reports import summary\n",
        "ivr.reports.summary": "from ..callbacks import store\n",
        "ivr.callbacks.store": "from ..reports import summary\n",
    }
    paths = {}
    for name, text in fake.items():
        path = tmp_path / (name.replace(".", "/") + ".py")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        paths[name] = path
    monkeypatch.setattr("tests.test_architecture.ROOT", tmp_path)
    modules.cache_clear()
    imports_of.cache_clear()
    monkeypatch.setattr("tests.test_architecture.modules", lambda: {**{n: p for n, p in paths.items()}, "ivr.staff.access": paths["ivr.line.voice"], "ivr.reports": paths["ivr.reports.summary"], "ivr.callbacks": paths["ivr.callbacks.store"], "ivr.staff": paths["ivr.line.voice"]})  # noqa: E501
    try:
        with pytest.raises(AssertionError):
            test_rule_3_the_line_imports_no_staff_page("ivr.line.voice")
        with pytest.raises(AssertionError):
            test_rule_2_the_call_tree_and_engine_are_pure("ivr.flow.model")
        with pytest.raises(AssertionError):
            test_rule_1_no_import_circles_between_modules()
    finally:
        imports_of.cache_clear()
