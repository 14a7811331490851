"""Flatten nested NIR graphs and order their nodes for one time step.

A nested ``NIRGraph`` node is replaced by its nodes (named ``outer.inner``): an edge into it goes
to its ``Input`` node, an edge out of it leaves from its ``Output`` node (``outer.input`` style
names reach a node inside directly). Inner ``Input``/``Output`` nodes stay, as identities.

Cycles: an edge out of a stateful node ``u`` into a node that leads back to ``u`` is *delayed*: it
carries ``u``'s output of the previous time step (the recurrent spikes), so every cycle is cut right
after a neuron. A cycle through stateless nodes only has no such edge and is an error.
"""

import heapq
from dataclasses import dataclass
from typing import Dict, List, Set, Tuple

import nir

from snn_deploy.nir.errors import NIRError, node_error

MAX_NESTING = 100  # graphs inside graphs, at most this deep

STATEFUL_TYPES = (nir.LIF, nir.CubaLIF, nir.LI, nir.CubaLI, nir.IF, nir.I, nir.Delay)


@dataclass
class FlatGraph:
    """Leaf nodes by name (graph order), edges between them (graph order), the top-level Input and
    Output names, the nodes in step order, the delayed edges, and each node's sources and targets
    (in edge order)."""

    nodes: Dict[str, nir.NIRNode]
    edges: List[Tuple[str, str]]
    input_name: str
    output_name: str
    order: List[str]
    delayed: Set[Tuple[str, str]]
    sources: Dict[str, List[str]]
    targets: Dict[str, List[str]]


def _single(graph: nir.NIRGraph, kind: type, where: str) -> str:
    names = [name for name, node in graph.nodes.items() if isinstance(node, kind)]
    if len(names) != 1:
        raise NIRError(
            f"{where}: expected exactly one {kind.__name__} node, found {len(names)} ({', '.join(names) or 'none'}); "
            "an imported model takes one input tensor and gives one output tensor"
        )
    return names[0]


def _flatten(
    graph: nir.NIRGraph, prefix: str, nodes: Dict[str, nir.NIRNode], edges: List[Tuple[str, str]], depth: int = 0
) -> None:
    where = f"graph '{prefix.rstrip('.') or 'root'}'"
    if depth > MAX_NESTING:
        raise NIRError(f"{where}: graphs nested more than {MAX_NESTING} deep")
    ends: Dict[Tuple[str, str], str] = {}  # (nested graph, end) -> its Input or Output node

    def resolve(name: str, end: str) -> str:
        head, _, rest = name.partition(".")
        if name in graph.nodes:
            head, rest = name, ""
        node = graph.nodes.get(head)
        if node is None:
            raise NIRError(f"{where}: edge names unknown node '{name}'")
        if isinstance(node, nir.NIRGraph):
            if rest:
                return f"{prefix}{head}.{rest}"
            if (head, end) not in ends:
                kind = nir.Input if end == "target" else nir.Output
                ends[head, end] = _single(node, kind, f"nested graph {prefix}{head}")
            return f"{prefix}{head}.{ends[head, end]}"
        return prefix + name

    if not isinstance(graph.nodes, dict) or not all(isinstance(name, str) for name in graph.nodes):
        raise NIRError(f"{where}: nodes must be a dict of named nodes")
    for name, node in graph.nodes.items():
        if isinstance(node, nir.NIRGraph):
            _flatten(node, f"{prefix}{name}.", nodes, edges, depth + 1)
        else:
            nodes[prefix + name] = node
    for edge in graph.edges:
        if not (isinstance(edge, (tuple, list)) and len(edge) == 2 and all(isinstance(end, str) for end in edge)):
            raise NIRError(f"{where}: an edge must be a pair of node names, got {edge!r:.80}")
        edges.append((resolve(edge[0], "source"), resolve(edge[1], "target")))


def _reachable(start: str, successors: Dict[str, List[str]]) -> Set[str]:
    """The nodes reachable from ``start`` (itself included): one walk, O(nodes + edges)."""
    seen, stack = {start}, [start]
    while stack:
        for target in successors[stack.pop()]:
            if target not in seen:
                seen.add(target)
                stack.append(target)
    return seen


def _components(successors: Dict[str, List[str]]) -> Dict[str, int]:
    """Each node's strongly connected component (Tarjan's algorithm without recursion, O(nodes +
    edges)): two nodes share one when each reaches the other."""
    index: Dict[str, int] = {}
    low: Dict[str, int] = {}
    component: Dict[str, int] = {}
    stack: List[str] = []
    for root in successors:
        if root in index:
            continue
        index[root] = low[root] = len(index)
        stack.append(root)
        path = [(root, iter(successors[root]))]
        while path:
            name, targets = path[-1]
            target = next(targets, None)
            if target is None:
                path.pop()
                if path:
                    low[path[-1][0]] = min(low[path[-1][0]], low[name])
                if low[name] == index[name]:
                    while True:
                        member = stack.pop()
                        component[member] = index[name]
                        if member == name:
                            break
            elif target not in index:
                index[target] = low[target] = len(index)
                stack.append(target)
                path.append((target, iter(successors[target])))
            elif target not in component:
                low[name] = min(low[name], index[target])
    return component


def flatten_graph(graph: nir.NIRGraph) -> FlatGraph:
    """Flatten ``graph``, find its delayed edges and a step order (graph order where free)."""
    if not isinstance(graph, nir.NIRGraph):
        raise NIRError(f"expected a nir.NIRGraph, got {type(graph).__name__}")
    input_name = _single(graph, nir.Input, "graph")
    output_name = _single(graph, nir.Output, "graph")
    nodes: Dict[str, nir.NIRNode] = {}
    edges: List[Tuple[str, str]] = []
    _flatten(graph, "", nodes, edges)
    for source, target in edges:
        for name in (source, target):
            if name not in nodes:
                raise NIRError(f"edge ({source!r}, {target!r}) names unknown node '{name}'")
    successors: Dict[str, List[str]] = {name: [] for name in nodes}
    predecessors: Dict[str, List[str]] = {name: [] for name in nodes}
    for source, target in edges:
        successors[source].append(target)
        predecessors[target].append(source)
    # an edge u -> t returns to u exactly when t reaches u: when u and t share a component
    component = _components(successors)
    delayed = {
        (source, target)
        for source, target in edges
        if isinstance(nodes[source], STATEFUL_TYPES) and component[source] == component[target]
    }
    order = _step_order(nodes, [edge for edge in edges if edge not in delayed])
    reached = _reachable(input_name, successors)
    unreached = [name for name in nodes if name not in reached]
    if unreached:
        name = unreached[0]
        raise node_error(name, nodes[name], "is not reachable from the graph's Input node")
    return FlatGraph(nodes, edges, input_name, output_name, order, delayed, predecessors, successors)


def _step_order(nodes: Dict[str, nir.NIRNode], edges: List[Tuple[str, str]]) -> List[str]:
    """Kahn's topological sort of the undelayed edges, taking the earliest ready node in graph
    order (a heap of graph positions): each node and edge is visited once, O((nodes + edges) log
    nodes)."""
    position = {name: k for k, name in enumerate(nodes)}
    names = list(nodes)
    pending = {name: 0 for name in nodes}
    targets: Dict[str, List[str]] = {name: [] for name in nodes}
    for source, target in edges:
        pending[target] += 1
        targets[source].append(target)
    ready = [position[name] for name in nodes if pending[name] == 0]
    order: List[str] = []
    while ready:
        name = names[heapq.heappop(ready)]
        order.append(name)
        for target in targets[name]:
            pending[target] -= 1
            if pending[target] == 0:
                heapq.heappush(ready, position[target])
    if len(order) < len(nodes):
        loop = [name for name in nodes if pending[name] > 0]
        raise NIRError(
            f"the nodes {', '.join(loop)} form a cycle without a neuron or delay: "
            "a value that depends on itself within one time step cannot be computed"
        )
    return order
