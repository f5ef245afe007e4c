import pytest
from graphs import (
    all_nodes,
    bfs_distance,
    connected_components,
    dijkstra,
    has_cycle,
    reachable,
    shortest_path,
    topological_order,
)

CHAIN = {"a": ["b"], "b": ["c"], "c": ["d"]}
DIAMOND = {"a": ["b", "c"], "b": ["d"], "c": ["d"], "d": []}
WEIGHTED = {
    "s": [("a", 7), ("b", 2)],
    "a": [("t", 1)],
    "b": [("a", 3), ("c", 8)],
    "c": [("t", 1)],
}


def test_all_nodes_includes_sinks():
    assert all_nodes(CHAIN) == ["a", "b", "c", "d"]


def test_all_nodes_weighted():
    assert set(all_nodes(WEIGHTED)) == {"s", "a", "b", "c", "t"}


def test_bfs_same_node():
    assert bfs_distance(CHAIN, "a", "a") == 0


def test_bfs_chain():
    assert bfs_distance(CHAIN, "a", "d") == 3
    assert bfs_distance(CHAIN, "b", "c") == 1


def test_bfs_prefers_shortest():
    graph = {1: [2, 5], 2: [3], 3: [4], 4: [6], 5: [6]}
    assert bfs_distance(graph, 1, 6) == 2


def test_bfs_unreachable():
    assert bfs_distance(CHAIN, "d", "a") == -1


def test_bfs_with_cycle_unreachable():
    graph = {1: [2], 2: [3], 3: [2, 1], 4: []}
    assert bfs_distance(graph, 1, 4) == -1


def test_reachable_from_middle():
    assert reachable(CHAIN, "b") == {"b", "c", "d"}


def test_reachable_isolated_start():
    assert reachable({}, "x") == {"x"}


def test_reachable_with_cycle():
    graph = {1: [2], 2: [3], 3: [1, 4], 5: [1]}
    assert reachable(graph, 1) == {1, 2, 3, 4}


def test_topological_chain():
    assert topological_order(CHAIN) == ["a", "b", "c", "d"]


def test_topological_diamond():
    assert topological_order(DIAMOND) == ["a", "b", "c", "d"]


def test_topological_respects_every_edge():
    graph = {
        "shirt": ["tie", "belt"],
        "tie": ["jacket"],
        "pants": ["shoes", "belt"],
        "belt": ["jacket"],
        "socks": ["shoes"],
    }
    order = topological_order(graph)
    assert sorted(order) == sorted(all_nodes(graph))
    pos = {node: i for i, node in enumerate(order)}
    for node, neighbours in graph.items():
        for nb in neighbours:
            assert pos[node] < pos[nb]


def test_topological_empty():
    assert topological_order({}) == []


def test_topological_cycle_raises():
    with pytest.raises(ValueError):
        topological_order({"a": ["b"], "b": ["c"], "c": ["a"]})


def test_components_directed_edges_join():
    graph = {1: [2], 3: [2], 4: [5], 6: []}
    assert connected_components(graph) == [[1, 2, 3], [4, 5], [6]]


def test_components_single():
    assert connected_components({"z": []}) == [["z"]]


def test_components_sorted_by_first():
    graph = {9: [8], 1: [], 5: [3]}
    assert connected_components(graph) == [[1], [3, 5], [8, 9]]


def test_has_cycle_false_for_dag():
    assert not has_cycle(DIAMOND)
    assert not has_cycle(CHAIN)


def test_has_cycle_true():
    assert has_cycle({"a": ["b"], "b": ["c"], "c": ["a"]})


def test_has_cycle_self_loop():
    assert has_cycle({"a": ["a"]})


def test_has_cycle_cycle_not_at_start():
    assert has_cycle({1: [2], 2: [3], 3: [4], 4: [2]})


def test_has_cycle_shared_descendant_is_not_cycle():
    assert not has_cycle({1: [2, 3], 2: [4], 3: [4], 4: [5]})


def test_dijkstra_distances():
    assert dijkstra(WEIGHTED, "s") == {"s": 0, "a": 5, "b": 2, "c": 10, "t": 6}


def test_dijkstra_source_only():
    assert dijkstra({"x": []}, "x") == {"x": 0}


def test_dijkstra_ignores_unreachable():
    graph = {"a": [("b", 1)], "c": [("a", 1)]}
    assert dijkstra(graph, "a") == {"a": 0, "b": 1}


def test_dijkstra_zero_weight():
    graph = {"a": [("b", 0)], "b": [("c", 4)]}
    assert dijkstra(graph, "a") == {"a": 0, "b": 0, "c": 4}


def test_shortest_path_route():
    assert shortest_path(WEIGHTED, "s", "t") == (6, ["s", "b", "a", "t"])


def test_shortest_path_to_self():
    assert shortest_path(WEIGHTED, "s", "s") == (0, ["s"])


def test_shortest_path_unreachable():
    assert shortest_path(WEIGHTED, "t", "s") == (None, [])
