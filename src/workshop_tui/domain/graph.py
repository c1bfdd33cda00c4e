"""Dependency-graph checks used before any plan is made (METHODS.md §7).

Edges run from an initiative to its prerequisites ("A depends on B").
"""

from __future__ import annotations

import heapq
from collections import deque
from typing import Iterable, Mapping, Sequence


def kahn_order(prereqs: Mapping[str, Sequence[str]]) -> tuple[list[str], list[str]]:
    """Kahn's algorithm, prerequisites first, ready set taken in id order.

    Returns (topological order, leftover). Leftover nodes are in a cycle or
    depend, perhaps transitively, on one.
    """
    indegree = {k: 0 for k in prereqs}
    dependents: dict[str, list[str]] = {k: [] for k in prereqs}
    for k, ps in prereqs.items():
        for p in set(ps):
            indegree[k] += 1
            dependents[p].append(k)
    ready = [k for k, d in indegree.items() if d == 0]
    heapq.heapify(ready)
    order = []
    while ready:
        k = heapq.heappop(ready)
        order.append(k)
        for dep in dependents[k]:
            indegree[dep] -= 1
            if indegree[dep] == 0:
                heapq.heappush(ready, dep)
    done = set(order)
    return order, sorted(k for k in prereqs if k not in done)


def tarjan_cycles(prereqs: Mapping[str, Sequence[str]]) -> list[tuple[str, ...]]:
    """Strongly connected components that are cycles (size > 1, or a self-prerequisite).

    Iterative Tarjan, so long chains do not hit the recursion limit. Each
    cycle's members are sorted; cycles are sorted by their members.
    """
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    cycles: list[tuple[str, ...]] = []
    counter = 0
    for root in sorted(prereqs):
        if root in index:
            continue
        work = [(root, iter(sorted(set(prereqs[root]))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(set(prereqs[child])))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                members = []
                while True:
                    m = stack.pop()
                    on_stack.discard(m)
                    members.append(m)
                    if m == node:
                        break
                if len(members) > 1 or node in prereqs[node]:
                    cycles.append(tuple(sorted(members)))
    return sorted(cycles)


def cycle_path(cycle: Sequence[str], prereqs: Mapping[str, Sequence[str]]) -> list[str]:
    """A shortest closed walk through the cycle's smallest member, for people
    to read: ["A", "B", "A"] means A depends on B and B on A."""
    members = set(cycle)
    start = min(cycle)
    parent: dict[str, str] = {}
    queue = deque([start])
    seen = {start}
    while queue:
        node = queue.popleft()
        for nxt in sorted(set(prereqs[node])):
            if nxt not in members:
                continue
            if nxt == start:
                path = [node]
                while path[-1] != start:
                    path.append(parent[path[-1]])
                return list(reversed(path)) + [start]
            if nxt not in seen:
                seen.add(nxt)
                parent[nxt] = node
                queue.append(nxt)
    return [start, start]


def closure(key: str, prereqs: Mapping[str, Sequence[str]]) -> set[str]:
    """All transitive prerequisites of ``key`` (not including ``key``)."""
    out: set[str] = set()
    todo = list(prereqs.get(key, ()))
    while todo:
        p = todo.pop()
        if p not in out:
            out.add(p)
            todo.extend(prereqs.get(p, ()))
    out.discard(key)
    return out


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
