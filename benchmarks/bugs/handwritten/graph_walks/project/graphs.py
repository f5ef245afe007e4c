"""Small graph algorithms over adjacency-dict graphs.

A graph is a dict mapping each node to an iterable of neighbours. Weighted
graphs map each node to a list of (neighbour, weight) pairs. Nodes that only
appear as neighbours are still valid nodes.
"""

import heapq
from collections import deque


def all_nodes(graph):
    """Every node of the graph, keys and neighbours alike, in first-seen order."""
    seen = {}
    for node, neighbours in graph.items():
        seen.setdefault(node, None)
        for nb in neighbours:
            if isinstance(nb, tuple):
                nb = nb[0]
            seen.setdefault(nb, None)
    return list(seen)


def bfs_distance(graph, start, goal):
    """Number of edges on a shortest path from start to goal, or -1 if none."""
    if start == goal:
        return 0
    visited = {start}
    queue = deque([(start, 0)])
    while queue:
        node, dist = queue.popleft()
        for nb in graph.get(node, ()):
            if nb == goal:
                return dist + 1
            if nb not in visited:
                visited.add(nb)
                queue.append((nb, dist + 1))
    return -1


def reachable(graph, start):
    """Set of nodes reachable from start (including start), by iterative DFS."""
    seen = set()
    stack = [start]
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        for nb in graph.get(node, ()):
            if nb not in seen:
                stack.append(nb)
    return seen


def topological_order(graph):
    """Kahn's algorithm. Ties are broken by first-seen node order.

    Raises ValueError if the graph has a cycle.
    """
    nodes = all_nodes(graph)
    indegree = {node: 0 for node in nodes}
    for node in nodes:
        for nb in graph.get(node, ()):
            indegree[nb] += 1
    ready = deque(node for node in nodes if indegree[node] == 0)
    order = []
    while ready:
        node = ready.popleft()
        order.append(node)
        for nb in graph.get(node, ()):
            indegree[nb] -= 1
            if indegree[nb] == 0:
                ready.append(nb)
    if len(order) != len(nodes):
        raise ValueError("graph has a cycle")
    return order


def connected_components(graph):
    """Components of the graph treated as undirected, as a list of sorted lists.

    The list of components is sorted by its first element.
    """
    undirected = {node: set() for node in all_nodes(graph)}
    for node, neighbours in graph.items():
        for nb in neighbours:
            undirected[node].add(nb)
            undirected[nb].add(node)
    components = []
    assigned = set()
    for node in undirected:
        if node in assigned:
            continue
        component = reachable(undirected, node)
        assigned |= component
        components.append(sorted(component))
    components.sort(key=lambda comp: comp[0])
    return components


def has_cycle(graph):
    """True if the directed graph contains a cycle (self-loops count)."""
    WHITE, GREY, BLACK = 0, 1, 2
    colour = {node: WHITE for node in all_nodes(graph)}

    def visit(node):
        colour[node] = GREY
        for nb in graph.get(node, ()):
            if colour[nb] == GREY:
                return True
            if colour[nb] == WHITE and visit(nb):
                return True
        colour[node] = BLACK
        return False

    for node in colour:
        if colour[node] == WHITE and visit(node):
            return True
    return False


def dijkstra(graph, source):
    """Shortest distances from source in a graph with non-negative weights.

    Returns a dict node -> distance for every reachable node.
    """
    dist = {source: 0}
    heap = [(0, source)]
    done = set()
    while heap:
        d, node = heapq.heappop(heap)
        if node in done:
            continue
        done.add(node)
        for nb, weight in graph.get(node, ()):
            candidate = d + weight
            if nb not in dist or candidate < dist[nb]:
                dist[nb] = candidate
                heapq.heappush(heap, (candidate, nb))
    return dist


def shortest_path(graph, source, target):
    """(distance, path) of a cheapest path in a weighted graph, or (None, []) if unreachable."""
    dist = {source: 0}
    previous = {}
    heap = [(0, source)]
    while heap:
        d, node = heapq.heappop(heap)
        if node == target:
            break
        if d > dist[node]:
            continue
        for nb, weight in graph.get(node, ()):
            candidate = d + weight
            if nb not in dist or candidate < dist[nb]:
                dist[nb] = candidate
                previous[nb] = node
                heapq.heappush(heap, (candidate, nb))
    if target not in dist:
        return None, []
    path = [target]
    while path[-1] != source:
        path.append(previous[path[-1]])
    path.reverse()
    return dist[target], path
