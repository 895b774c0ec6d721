"""No two modules of the product import each other, directly or round a loop (import-linter's
layers contract catches cycles between apps only). Imports inside functions count: a loop broken
only at run time by a deferred import is still a loop a reader has to follow; imports under
``TYPE_CHECKING`` do not (they never run)."""

from __future__ import annotations

import sys
from pathlib import Path

import grimp

PRODUCT = (
    "servicedesk",
    "intake",
    "parts",
    "counter",
    "repairs",
    "loaners",
    "followups",
    "complaints",
    "reporting",
)

#: The loops that exist today, each named once; remove an entry when its loop goes, never add
#: one without saying why here.
ALLOWED = {
    # The timeline writer and the transition table import the models, and a ticket's status
    # label reads the table.
    frozenset(
        {
            "repairs.events",
            "repairs.models",
            "repairs.models.decisions",
            "repairs.models.ticket",
            "repairs.transitions",
        }
    ),
    # A task module and the service that queues it after commit.
    frozenset({"servicedesk.outbox", "servicedesk.tasks"}),
    frozenset({"reporting.exports", "reporting.tasks"}),
    # The worker's heartbeat bootstep and the health page that reads the Celery app.
    frozenset({"servicedesk.celery", "servicedesk.health"}),
}


def _cycles() -> list[frozenset[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    root = str(Path(__file__).resolve().parent.parent)
    if root not in sys.path:
        sys.path.insert(0, root)
    graph = grimp.build_graph(*PRODUCT, exclude_type_checking_imports=True, cache_dir=None)
    modules = {m for m in graph.modules if ".migrations" not in m}
    edges = {m: sorted(graph.find_modules_directly_imported_by(m) & modules) for m in modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[frozenset[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for other in edges[module]:
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in on_stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            component = set()
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.add(top)
                if top == module:
                    break
            if len(component) > 1:
                found.append(frozenset(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for module in sorted(modules):
        if module not in index:
            visit(module)
    return found


def test_no_import_cycle_between_modules_of_the_product():
    new = [sorted(cycle) for cycle in _cycles() if cycle not in ALLOWED]
    assert new == [], f"modules that import each other (directly or round a loop): {new}"
