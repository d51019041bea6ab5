"""The package's floors: each layer imports only the layers below it.

The rule is read from the source, not from a running interpreter: every ``import`` and
``from ... import`` of a tmath_array module (at module level or inside a function) is
resolved to the module it names, and the layer of the importing module must be above the
layer of the imported one. Imports under ``if TYPE_CHECKING:`` are exempt (they never run).
See docs/architecture.md for the picture.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "tmath_array"

# Lowest first. A module may import its own layer (no circle is checked here: Python
# would fail on a real one at import) and any layer below.
LAYERS = ("_runtime", "_array", "_interop", "_standard", "_numpy", "faces")

# The one sanctioned upward reach, documented in docs/architecture.md: none. (Array's
# operators and methods are bound from above by tmath_array/_numpy/bind.py.)
ALLOWED_UPWARD: set[tuple[str, str]] = set()


def layer_of(module: str) -> str:
    """``tmath_array._array.dtypes`` -> ``_array``; public modules and torch/ are faces."""
    parts = module.split(".")
    if len(parts) > 1 and parts[1] in LAYERS:
        return parts[1]
    return "faces"


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _type_checking_lines(tree: ast.AST) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and (
            (isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING")
            or (isinstance(node.test, ast.Attribute) and node.test.attr == "TYPE_CHECKING")
        ):
            for sub in node.body:
                for n in ast.walk(sub):
                    if hasattr(n, "lineno"):
                        lines.add(n.lineno)
    return lines


def imports_of(path: Path):
    """``(line, imported module)`` for every tmath_array import in ``path``."""
    src = path.read_text()
    tree = ast.parse(src)
    skip = _type_checking_lines(tree)
    me = module_name(path)
    package = me if path.name == "__init__.py" else me.rpartition(".")[0]
    for node in ast.walk(tree):
        if getattr(node, "lineno", None) in skip:
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "tmath_array":
                    yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                if node.level > 1:
                    base = base[: len(base) - (node.level - 1)]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            if mod.split(".")[0] != "tmath_array":
                continue
            if node.module is None or mod.count(".") == 1 and mod.endswith(tuple(LAYERS)):
                # ``from . import x`` / ``from .._array import dtypes``: the names are modules
                for alias in node.names:
                    yield node.lineno, f"{mod}.{alias.name}"
            else:
                yield node.lineno, mod


def upward_imports() -> list[str]:
    bad = []
    rank = {name: i for i, name in enumerate(LAYERS)}
    for path in sorted(PACKAGE.rglob("*.py")):
        me = module_name(path)
        mine = layer_of(me)
        for line, target in imports_of(path):
            theirs = layer_of(target)
            if rank[theirs] > rank[mine] and (me, target) not in ALLOWED_UPWARD:
                bad.append(f"{path.relative_to(PACKAGE.parent)}:{line}: {mine} module {me} "
                           f"imports {target} ({theirs})")
    return bad


def test_each_layer_imports_only_the_layers_below():
    bad = upward_imports()
    assert not bad, "upward imports:\n" + "\n".join(bad)


def test_no_private_module_at_the_top_level():
    """The top level holds the faces (public modules) and the layer packages only."""
    private = [p.name for p in PACKAGE.glob("_*.py") if p.name != "__init__.py"]
    assert private == []


@pytest.mark.parametrize("source, expected", [
    ("from .._standard import creation\n", "tmath_array._standard.creation"),
    ("from ..faces_only import x\n", None),
])
def test_the_checker_sees_an_upward_import(tmp_path, monkeypatch, source, expected):
    """The checker itself: an upward import in a runtime module is reported with its line."""
    fake = PACKAGE / "_runtime" / "lazy.py"
    tree_imports = list(imports_of(fake))
    assert all(layer_of(t) == "_runtime" for _, t in tree_imports)
    if expected is None:
        return
    probe = tmp_path / "tmath_array" / "_runtime" / "probe.py"
    probe.parent.mkdir(parents=True)
    probe.write_text(source)
    monkeypatch.setattr(__import__(__name__), "PACKAGE", tmp_path / "tmath_array")
    found = list(imports_of(probe))
    assert found == [(1, expected)]
    assert layer_of(expected) == "_standard"
