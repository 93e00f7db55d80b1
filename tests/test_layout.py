"""The shape of claims/: folders that are the architecture, modules small enough to read,
and no two modules that import each other (not even inside a function)."""

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

CLAIMS = Path(__file__).resolve().parents[1] / "claims"
LONGEST_MODULE = 800


def modules() -> dict[str, Path]:
    found = {}
    for path in CLAIMS.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        name = ".".join(path.relative_to(CLAIMS.parent).with_suffix("").parts)
        found[name.removesuffix(".__init__")] = path
    return found


def imports_of(path: Path, known: dict[str, Path]) -> set[str]:
    """The desk's modules this module imports anywhere in its code."""
    imported = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("claims"):
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                imported.add(submodule if submodule in known else node.module)
        elif isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names if alias.name in known)
    return {name for name in imported if name in known}


def test_no_module_is_over_800_lines():
    long = {
        name: count
        for name, path in modules().items()
        if (count := len(path.read_text(encoding="utf-8").splitlines())) > LONGEST_MODULE
    }
    assert long == {}


def test_no_two_modules_import_each_other():
    known = modules()
    graph = {name: imports_of(path, known) - {name} for name, path in known.items()}
    # A package's __init__ may re-export its modules; the modules must not import it back.
    graph = {
        name: {i for i in imported if not name.startswith(i + ".")}
        for name, imported in graph.items()
    }
    try:
        TopologicalSorter(graph).prepare()
    except CycleError as error:
        raise AssertionError(f"import cycle: {' -> '.join(error.args[1])}") from None


def test_the_cycle_check_finds_a_cycle(tmp_path):
    """The check itself: two modules importing each other are a cycle."""
    (tmp_path / "a.py").write_text("from claims.b import x\n")
    (tmp_path / "b.py").write_text("def f():\n    from claims.a import y\n")
    known = {"claims.a": tmp_path / "a.py", "claims.b": tmp_path / "b.py"}
    graph = {name: imports_of(path, known) - {name} for name, path in known.items()}
    assert graph == {"claims.a": {"claims.b"}, "claims.b": {"claims.a"}}
