"""The detection package as a whole: what its worker processes and the web app import,
and modules that import each other in layers, without a cycle."""

import ast
import json
import os
import subprocess
import sys
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import claims.detection

PACKAGE = Path(claims.detection.__file__).parent
ROOT = PACKAGE.parents[1]


def modules_loaded_by(code: str) -> list[str]:
    """The modules a fresh interpreter has loaded after running code."""
    script = code + "\nimport sys, json\nprint(json.dumps(sorted(sys.modules)))"
    result = subprocess.run(  # noqa: S603 (the script is this module's own)
        [sys.executable, "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "factcheck.settings"},
    )
    return json.loads(result.stdout.splitlines()[-1])


def test_detection_workers_import_no_django():
    """A worker process loads the pool module and the detector: standard library only."""
    loaded = modules_loaded_by("import claims.detection.pool")
    assert "claims.detection.reading" in loaded
    assert [name for name in loaded if name.split(".")[0] == "django"] == []
    assert "claims.detection.evaluation" not in loaded


def test_the_web_app_does_not_import_the_evaluation():
    """The detector's evaluation stays out of the request path."""
    loaded = modules_loaded_by("import django\ndjango.setup()\nimport factcheck.urls")
    assert "claims.detection.pool" in loaded  # the importer's view needs detection
    assert "claims.detection.evaluation" not in loaded


def detection_imports() -> dict[str, set[str]]:
    """Each module of the package -> the modules of the package it imports ("" for the
    package itself, whose __init__ re-exports names)."""
    modules = {path.stem for path in PACKAGE.glob("*.py")} - {"__init__"}
    graph: dict[str, set[str]] = {}
    for path in PACKAGE.glob("*.py"):
        name = "" if path.stem == "__init__" else path.stem
        graph[name] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "claims.detection":
                for alias in node.names:
                    graph[name].add(alias.name if alias.name in modules else "")
            elif isinstance(node, ast.ImportFrom) and node.module:
                parent, _, module = node.module.rpartition(".")
                if parent == "claims.detection":
                    graph[name].add(module)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    parent, _, module = alias.name.rpartition(".")
                    if parent == "claims.detection":
                        graph[name].add(module)
    return graph


def test_detection_modules_import_each_other_without_a_cycle():
    graph = detection_imports()
    assert graph["reading"] >= {"claims", "sentences", "signals"}
    try:
        order = list(TopologicalSorter(graph).static_order())
    except CycleError as error:
        raise AssertionError(f"import cycle in claims.detection: {error.args[1]}") from None
    assert order.index("reading") < order.index("pool")
    # The modules import each other, not the package's public names (its __init__ does).
    assert [name for name, imported in graph.items() if name and "" in imported] == []
    assert "evaluation" not in graph[""]
