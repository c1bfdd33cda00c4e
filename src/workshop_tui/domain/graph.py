"""Dependency graphs between initiatives: cycles, named with their members."""

from __future__ import annotations

from typing import Iterable, Mapping


def find_cycles(graph: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """Strongly connected components that form cycles (Tarjan), deterministic.

    ``graph`` maps a node to the nodes it depends on. Each cycle is listed
    starting from its smallest member, members sorted; a node that depends on
    itself is a cycle of one. Edges to unknown nodes are ignored here.
    """
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    cycles: list[list[str]] = []
    counter = 0
    edges = {node: sorted(dep for dep in deps if dep in graph) for node, deps in graph.items()}

    for root in sorted(graph):
        if root in index:
            continue
        # Iterative Tarjan: (node, next edge position) frames, no recursion limit.
        work = [(root, 0)]
        while work:
            node, pos = work.pop()
            if pos == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            recurse = False
            for n in range(pos, len(edges[node])):
                dep = edges[node][n]
                if dep not in index:
                    work.append((node, n + 1))
                    work.append((dep, 0))
                    recurse = True
                    break
                if dep in on_stack:
                    low[node] = min(low[node], index[dep])
            if recurse:
                continue
            if low[node] == index[node]:
                members = []
                while True:
                    top = stack.pop()
                    on_stack.discard(top)
                    members.append(top)
                    if top == node:
                        break
                if len(members) > 1 or node in edges[node]:
                    cycles.append(sorted(members))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return sorted(cycles)
