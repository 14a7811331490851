"""``from_nir``: a NIR graph (or ``.nir`` file) as a :class:`NIRGraphModule`."""

import math
import os
from collections import deque
from typing import Any, Callable, Dict, List, Optional, Sequence, Set, Tuple, Union, cast

import nir
import torch

from snn_deploy.nir.errors import NIRError, node_error
from snn_deploy.nir.file_layout import DEFAULT_MAX_ELEMENTS, checked_limit
from snn_deploy.nir.files import read
from snn_deploy.nir.graph_module import NIRGraphModule
from snn_deploy.nir.graph_walk import STATEFUL_TYPES, FlatGraph, flatten_graph
from snn_deploy.nir.node_import import ImportedNode, Target, import_node
from snn_deploy.nir.shape_rules import output_shape
from snn_deploy.nir.values import sample_shape, whole_numbers


def _declared(node: nir.NIRNode, field: str, key: str) -> Any:
    """A shape the graph declares in ``node.field[key]`` (``input_type``/``output_type``), or ``None``."""
    types = getattr(node, field, None)
    return types.get(key) if isinstance(types, dict) else None


def _input_shape(flat: FlatGraph, given: Optional[Sequence[int]], max_elements: int) -> List[int]:
    node = flat.nodes[flat.input_name]
    if given is not None:
        return sample_shape(flat.input_name, node, "input_shape", given, max_elements)
    shape = _declared(node, "input_type", "input")
    if shape is None:
        raise node_error(flat.input_name, node, "has no input_type: pass input_shape, the shape of one input sample")
    return sample_shape(flat.input_name, node, "input_type", shape, max_elements)


def _check_output(flat: FlatGraph, shape: List[int]) -> None:
    """The graph's ``Output`` type, where it declares one, is the output shape (or it with a
    leading batch axis of 1, as norse and sinabs write it)."""
    node = flat.nodes[flat.output_name]
    declared = _declared(node, "output_type", "output")
    if declared is None:
        return
    declared = whole_numbers(flat.output_name, node, "output_type", declared, 0)
    if declared not in (shape, [1] + shape):
        raise node_error(flat.output_name, node, f"'output_type' {declared} is not the network's output shape {shape}")


def _shapes(
    flat: FlatGraph, imported: Dict[str, ImportedNode], input_shape: List[int], dtype: torch.dtype, max_elements: int
) -> Tuple[Dict[str, List[int]], Dict[str, List[int]]]:
    """Each node's per-sample input and output shape, from steps on a batch of one on the inputs
    whose shape is known so far (all inputs of a node have one shape): nodes in step order, then
    those that waited for a shape entering a cycle, each once (O(nodes + edges)). The outputs of all
    nodes together hold at most ``max_elements`` values per sample, each checked before it is made
    (:mod:`snn_deploy.nir.shape_rules`)."""
    outputs: Dict[str, torch.Tensor] = {}
    input_shapes: Dict[str, List[int]] = {}
    known = {name: 0 for name in flat.nodes}
    waiting: Set[str] = set()
    queue = deque(flat.order)
    total = 0
    while queue:
        name = queue.popleft()
        if name in outputs:
            continue
        if name == flat.input_name:
            inputs = [torch.zeros([1] + input_shape, dtype=dtype)]
        elif known[name] == 0:
            waiting.add(name)
            continue
        else:
            inputs = [outputs[source] for source in flat.sources[name] if source in outputs]
        node, module = flat.nodes[name], imported[name].module
        shape = _same_shape(name, node, [list(x.shape[1:]) for x in inputs])
        elements = math.prod(output_shape(name, node, module, shape))
        if total + elements > max_elements:
            raise node_error(
                name, node, f"its output of {elements} elements takes the network past max_elements={max_elements}"
            )
        outputs[name] = _step(flat, name, module, inputs)
        input_shapes[name] = shape
        total += outputs[name].numel()
        for target in flat.targets[name]:
            known[target] += 1
            if target in waiting:
                waiting.discard(target)
                queue.append(target)
    missing = [name for name in flat.order if name not in outputs]
    if missing:
        raise node_error(missing[0], flat.nodes[missing[0]], "has no input whose shape is known")
    for source, target in flat.edges:
        if list(outputs[source].shape[1:]) != input_shapes[target]:
            _same_shape(target, flat.nodes[target], [input_shapes[target], list(outputs[source].shape[1:])])
    return input_shapes, {name: list(value.shape[1:]) for name, value in outputs.items()}


def _same_shape(name: str, node: nir.NIRNode, shapes: List[List[int]]) -> List[int]:
    if any(shape != shapes[0] for shape in shapes[1:]):
        raise node_error(name, node, f"its inputs have different shapes {shapes} (they are added)")
    return shapes[0]


def _step(flat: FlatGraph, name: str, module: torch.nn.Module, inputs: List[torch.Tensor]) -> torch.Tensor:
    with torch.no_grad():
        try:
            total = inputs[0]
            for x in inputs[1:]:
                total = total + x
            # every step module of nodes.py has initial_state; nn.Module types attributes Tensor | Module
            initial_state = cast(Callable[[torch.Tensor], List[torch.Tensor]], module.initial_state)
            output, _ = module(inputs, initial_state(total))
        except (RuntimeError, ValueError, IndexError) as error:
            shapes_in = ", ".join(str(list(x.shape[1:])) for x in inputs)
            message = str(error).splitlines()[0]
            raise node_error(
                name, flat.nodes[name], f"does not fit its input of shape {shapes_in}: {message}"
            ) from None
    return output


def _time_step(graph: nir.NIRGraph, flat: FlatGraph, dt: Optional[float]) -> float:
    """``dt``, else the graph's ``metadata["dt"]``; a graph without dynamics needs none (0.001)."""
    if dt is None:
        metadata = getattr(graph, "metadata", None)
        dt = metadata.get("dt") if isinstance(metadata, dict) else None
        if dt is None and not any(isinstance(node, STATEFUL_TYPES) for node in flat.nodes.values()):
            dt = 0.001
        if dt is None:
            raise NIRError("the graph records no time step: pass dt (seconds per Euler step)")
    try:
        dt = float(dt)
    except (TypeError, ValueError):
        raise NIRError(f"dt must be a finite positive number of seconds, got {dt!r:.80}") from None
    if not (math.isfinite(dt) and dt > 0):
        raise NIRError(f"dt must be a finite positive number of seconds, got {dt!r}")
    return dt


def from_nir(
    graph_or_path: Union[nir.NIRGraph, "os.PathLike[str]", str],
    dt: Optional[float] = None,
    input_shape: Optional[Sequence[int]] = None,
    dtype: Optional[torch.dtype] = None,
    max_elements: int = DEFAULT_MAX_ELEMENTS,
) -> NIRGraphModule:
    """Import a NIR graph, or read a ``.nir`` file, as a module run by Euler steps of ``dt`` seconds
    (``None``: the graph's ``metadata["dt"]``, written by :func:`~snn_deploy.nir.to_nir`).
    ``input_shape`` (one sample, no time or batch axis) replaces the ``Input`` node's type, for
    graphs whose exporter stored the batch axis there (norse 1.1 writes ``[1, features]``).
    Parameters are made in ``dtype`` (default: torch's default dtype) from NIR's arrays.

    ``max_elements`` (default 50 million) bounds what an untrusted graph can make the import
    allocate: a ``.nir`` file's datasets may declare at most that many elements in all, checked
    before any is read (:func:`~snn_deploy.nir.files.read`); one input sample, the outputs of all
    nodes for one sample together, and a ``Delay``'s buffer at most that many as well.

    The module is a sequence model: ``forward(x, state=None) -> (y, state)`` with ``x`` of shape
    ``(T, batch, *input_shape)``; see :class:`NIRGraphModule` and, for the discretization,
    :mod:`snn_deploy.nir.node_import`. A node or parameter that cannot be represented exactly raises
    :class:`~snn_deploy.nir.errors.NIRError` naming the node, its type and what is missing.
    """
    max_elements = checked_limit(max_elements)
    graph = graph_or_path if isinstance(graph_or_path, nir.NIRNode) else read(graph_or_path, max_elements)
    flat = flatten_graph(graph)
    dt = _time_step(graph, flat, dt)
    input_shape = _input_shape(flat, input_shape, max_elements)
    target = Target(dt, dtype or torch.get_default_dtype(), max_elements)
    imported = {name: import_node(name, flat.nodes[name], target) for name in flat.order}
    input_shapes, output_shapes = _shapes(flat, imported, input_shape, target.dtype, max_elements)
    _check_output(flat, output_shapes[flat.output_name])
    index = {name: k for k, name in enumerate(flat.order)}
    delayed_sources = [name for name in flat.order if any((name, t) in flat.delayed for t in flat.targets[name])]
    delayed_slot = {name: 1 + k for k, name in enumerate(delayed_sources)}
    first_output_slot = 1 + len(delayed_sources)
    input_slots: List[List[int]] = []
    for name in flat.order:
        if name == flat.input_name:
            input_slots.append([0])
            continue
        input_slots.append(
            [delayed_slot[s] if (s, name) in flat.delayed else first_output_slot + index[s] for s in flat.sources[name]]
        )
    state_names: List[str] = []
    for name in flat.order:
        if name in delayed_slot:
            state_names.append(f"{name}.output")
        state_names.extend(f"{name}.{field}" for field in imported[name].state_fields)
    return NIRGraphModule(
        nodes=[imported[name].module for name in flat.order],
        names=list(flat.order),
        input_slots=input_slots,
        delayed=[name in delayed_slot for name in flat.order],
        input_shapes=[input_shapes[name] for name in flat.order],
        output_shapes=[output_shapes[name] for name in flat.order],
        output_node=index[flat.output_name],
        state_sizes=[len(imported[name].state_fields) for name in flat.order],
        state_names=state_names,
        input_shape=input_shape,
        dt=dt,
    )
