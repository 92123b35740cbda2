"""The house of issue 20 stays standing: no import circle in ``site_app``, chains of at most
eight modules, at most ten modules at the package root (``scripts/import_graph.py``)."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import import_graph  # noqa: E402


def test_site_app_has_no_import_circle():
    graph = import_graph.edges(import_graph.modules())
    assert import_graph.circles(graph) == []


def test_the_longest_import_chain_is_at_most_eight_modules():
    chain = import_graph.longest_chain(import_graph.edges(import_graph.modules()))
    assert len(chain) <= 8, " -> ".join(chain)


def test_at_most_ten_modules_sit_at_the_package_root():
    roots = import_graph.root_modules(import_graph.modules())
    assert len(roots) <= 10, sorted(roots)


def test_a_circle_is_found_where_there_is_one():
    """The check itself can fail: a graph with a circle reports it."""
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert import_graph.circles(graph) == [["a", "b", "c"]]
    assert import_graph.longest_chain(graph) == ["d", "a", "b", "c"]
