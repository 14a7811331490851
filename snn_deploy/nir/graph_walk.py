"""Flatten nested NIR graphs and order their nodes for one time step.

A nested ``NIRGraph`` node is replaced by its nodes (named ``outer.inner``): an edge into it goes
to its ``Input`` node, an edge out of it leaves from its ``Output`` node (``outer.input`` style
names reach a node inside directly). Inner ``Input``/``Output`` nodes stay, as identities.

Cycles: an edge out of a stateful node ``u`` into a node that leads back to ``u`` is *delayed*: it
carries ``u``'s output of the previous time step (the recurrent spikes), so every cycle is cut right
after a neuron. A cycle through stateless nodes only has no such edge and is an error.
"""

from dataclasses import dataclass
from typing import Dict, List, Set, Tuple

import nir

from snn_deploy.nir.errors import NIRError, node_error

STATEFUL_TYPES = (nir.LIF, nir.CubaLIF, nir.LI, nir.CubaLI, nir.IF, nir.I, nir.Delay)


@dataclass
class FlatGraph:
    """Leaf nodes by name (graph order), edges between them (graph order), the top-level Input and
    Output names, the nodes in step order and the delayed edges."""

    nodes: Dict[str, nir.NIRNode]
    edges: List[Tuple[str, str]]
    input_name: str
    output_name: str
    order: List[str]
    delayed: Set[Tuple[str, str]]


def _single(graph: nir.NIRGraph, kind: type, where: str) -> str:
    names = [name for name, node in graph.nodes.items() if isinstance(node, kind)]
    if len(names) != 1:
        raise NIRError(
            f"{where}: expected exactly one {kind.__name__} node, found {len(names)} ({', '.join(names) or 'none'}); "
            "an imported model takes one input tensor and gives one output tensor"
        )
    return names[0]


def _flatten(graph: nir.NIRGraph, prefix: str, nodes: Dict[str, nir.NIRNode], edges: List[Tuple[str, str]]) -> None:
    def resolve(name: str, end: str) -> str:
        head, _, rest = name.partition(".")
        if name in graph.nodes:
            head, rest = name, ""
        node = graph.nodes.get(head)
        if node is None:
            raise NIRError(f"graph '{prefix.rstrip('.') or 'root'}': edge names unknown node '{name}'")
        if isinstance(node, nir.NIRGraph):
            if rest:
                return f"{prefix}{head}.{rest}"
            kind = nir.Input if end == "target" else nir.Output
            return f"{prefix}{head}.{_single(node, kind, f'nested graph {prefix}{head}')}"
        return prefix + name

    for name, node in graph.nodes.items():
        if isinstance(node, nir.NIRGraph):
            _flatten(node, f"{prefix}{name}.", nodes, edges)
        else:
            nodes[prefix + name] = node
    for source, target in graph.edges:
        edges.append((resolve(source, "source"), resolve(target, "target")))


def _reaches(start: str, goal: str, successors: Dict[str, List[str]]) -> bool:
    seen, stack = set(), [start]
    while stack:
        name = stack.pop()
        if name == goal:
            return True
        if name not in seen:
            seen.add(name)
            stack.extend(successors[name])
    return False


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
    for source, target in edges:
        successors[source].append(target)
    delayed = {
        (source, target)
        for source, target in edges
        if isinstance(nodes[source], STATEFUL_TYPES) and _reaches(target, source, successors)
    }
    order = _step_order(nodes, [edge for edge in edges if edge not in delayed])
    unreached = [name for name in nodes if not _reaches(input_name, name, successors)]
    if unreached:
        name = unreached[0]
        raise node_error(name, nodes[name], "is not reachable from the graph's Input node")
    return FlatGraph(nodes, edges, input_name, output_name, order, delayed)


def _step_order(nodes: Dict[str, nir.NIRNode], edges: List[Tuple[str, str]]) -> List[str]:
    """Kahn's topological sort of the undelayed edges, taking the earliest node in graph order."""
    pending = {name: 0 for name in nodes}
    for _, target in edges:
        pending[target] += 1
    order: List[str] = []
    while len(order) < len(nodes):
        ready = [name for name in nodes if pending[name] == 0 and name not in order]
        if not ready:
            loop = [name for name in nodes if name not in order]
            raise NIRError(
                f"the nodes {', '.join(loop)} form a cycle without a neuron or delay: "
                "a value that depends on itself within one time step cannot be computed"
            )
        order.append(ready[0])
        for source, target in edges:
            if source == ready[0]:
                pending[target] -= 1
    return order
