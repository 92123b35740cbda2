"""The import graph of ``site_app``: circles, the longest chain, modules at the root.

Reads every module's imports with :mod:`ast` (function-level imports included: they are
dependencies too, only later ones), nothing is imported or run::

    .venv/bin/python scripts/import_graph.py            # the three figures
    .venv/bin/python scripts/import_graph.py --edges    # and every edge
    .venv/bin/python scripts/import_graph.py --check    # exit 1 on a circle

A package's ``__init__`` is a module of its own (``site_app.help``); ``from . import x``
depends on ``site_app.x`` when it is a module, else on the package.
"""

from __future__ import annotations

import argparse
import ast
import sys
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "site_app"
SKIP = {"migrations"}


def modules(root: Path = ROOT) -> dict[str, Path]:
    """Every module of the package, by dotted name (migrations left out)."""
    found = {}
    for path in sorted((root / PACKAGE).rglob("*.py")):
        parts = path.relative_to(root).with_suffix("").parts
        if SKIP & set(parts):
            continue
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def _resolve(name: str, known: dict[str, Path]) -> str | None:
    """The longest known module that ``name`` is or lies in."""
    while name:
        if name in known:
            return name
        name = name.rpartition(".")[0]
    return None


def edges(known: dict[str, Path]) -> dict[str, set[str]]:
    """module → the modules of the package it imports."""
    graph: dict[str, set[str]] = {name: set() for name in known}
    for name, path in known.items():
        is_package = path.name == "__init__.py"
        here = name if is_package else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = here.split(".")
                    anchor = anchor[: len(anchor) - (node.level - 1)]
                    base = ".".join(anchor + ([base] if base else []))
                # A name that is a module of its own is that module; any other name is
                # an attribute of ``base``.
                targets = [
                    f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
                    for alias in node.names
                ]
            for target in targets:
                resolved = _resolve(target, known)
                if resolved and resolved != name:
                    graph[name].add(resolved)
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(10_000)
    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def longest_chain(graph: dict[str, set[str]]) -> list[str]:
    """The longest path of imports, each module once (circles are cut where met)."""

    @cache
    def from_node(node: str, seen: frozenset[str]) -> tuple[str, ...]:
        best: tuple[str, ...] = ()
        for other in sorted(graph[node] - seen):
            chain = from_node(other, seen | {other})
            if len(chain) > len(best):
                best = chain
        return (node, *best)

    chains = [from_node(node, frozenset({node})) for node in sorted(graph)]
    return list(max(chains, key=len)) if chains else []


def root_modules(known: dict[str, Path]) -> list[str]:
    """Modules directly at the package root (``site_app/x.py``, the package itself aside)."""
    return [
        name for name, path in known.items() if path.parent == ROOT / PACKAGE and name != PACKAGE
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edges", action="store_true", help="print every edge")
    parser.add_argument("--check", action="store_true", help="exit 1 if there is a circle")
    args = parser.parse_args(argv)
    known = modules()
    graph = edges(known)
    found = circles(graph)
    chain = longest_chain(graph)
    roots = root_modules(known)
    print(f"modules: {len(known)}; at the package root: {len(roots)} ({', '.join(sorted(roots))})")
    print(f"circles: {len(found)}")
    for component in found:
        print("  " + " <-> ".join(component))
    print(f"longest chain: {len(chain)} modules: " + " -> ".join(chain))
    if args.edges:
        for name in sorted(graph):
            for other in sorted(graph[name]):
                print(f"{name} -> {other}")
    return 1 if args.check and found else 0


if __name__ == "__main__":
    sys.exit(main())
