"""``from_nir``: a NIR graph (or ``.nir`` file) as a :class:`NIRGraphModule`."""

import os
from typing import Callable, Dict, List, Optional, Sequence, Union, cast

import nir
import numpy as np
import torch

from snn_deploy.nir.errors import NIRError, node_error
from snn_deploy.nir.files import read
from snn_deploy.nir.graph_module import NIRGraphModule
from snn_deploy.nir.graph_walk import STATEFUL_TYPES, FlatGraph, flatten_graph
from snn_deploy.nir.node_import import ImportedNode, Target, import_node


def _input_shape(flat: FlatGraph, given: Optional[Sequence[int]]) -> List[int]:
    if given is not None:
        return [int(size) for size in given]
    node = flat.nodes[flat.input_name]
    shape = (node.input_type or {}).get("input")
    if shape is None:
        raise node_error(flat.input_name, node, "has no input_type: pass input_shape, the shape of one input sample")
    return [int(size) for size in np.asarray(shape).ravel()]


def _shapes(
    flat: FlatGraph, imported: Dict[str, ImportedNode], input_shape: List[int], dtype: torch.dtype
) -> Dict[str, List[int]]:
    """Each node's per-sample input and output shape, from steps on a batch of one on the inputs
    whose shape is known so far (all inputs of a node share one shape), repeated until every node
    has one: a cycle's nodes wait for the shape that enters the cycle."""
    outputs: Dict[str, torch.Tensor] = {}
    shapes: Dict[str, List[int]] = {}
    for _ in range(len(flat.order)):
        for name in flat.order:
            if name in outputs:
                continue
            if name == flat.input_name:
                inputs = [torch.zeros([1] + input_shape, dtype=dtype)]
            else:
                inputs = [outputs[s] for s, t in flat.edges if t == name and s in outputs]
                if not inputs:
                    continue
            outputs[name], shapes[name] = _step_shape(flat, name, imported[name].module, inputs)
    missing = [name for name in flat.order if name not in outputs]
    if missing:
        raise node_error(missing[0], flat.nodes[missing[0]], "has no input whose shape is known")
    return {**{f"in:{n}": s for n, s in shapes.items()}, **{f"out:{n}": list(v.shape[1:]) for n, v in outputs.items()}}


def _step_shape(flat: FlatGraph, name: str, module: torch.nn.Module, inputs: List[torch.Tensor]):
    with torch.no_grad():
        try:
            total = inputs[0]
            for x in inputs[1:]:
                total = total + x
            # every step module of nodes.py has initial_state; nn.Module types attributes Tensor | Module
            initial_state = cast(Callable[[torch.Tensor], List[torch.Tensor]], module.initial_state)
            output, _ = module(inputs, initial_state(total))
        except RuntimeError as error:
            shapes_in = ", ".join(str(list(x.shape[1:])) for x in inputs)
            message = str(error).splitlines()[0]
            raise node_error(
                name, flat.nodes[name], f"does not fit its input of shape {shapes_in}: {message}"
            ) from None
    return output, list(total.shape[1:])


def _time_step(graph: nir.NIRGraph, flat: FlatGraph, dt: Optional[float]) -> float:
    """``dt``, else the graph's ``metadata["dt"]``; a graph without dynamics needs none (0.001)."""
    if dt is None:
        dt = (getattr(graph, "metadata", None) or {}).get("dt")
        if dt is None and not any(isinstance(node, STATEFUL_TYPES) for node in flat.nodes.values()):
            dt = 0.001
        if dt is None:
            raise NIRError("the graph records no time step: pass dt (seconds per Euler step)")
    try:
        dt = float(dt)
    except (TypeError, ValueError):
        raise NIRError(f"dt must be a positive number of seconds, got {dt!r}") from None
    if not dt > 0:
        raise NIRError(f"dt must be a positive number of seconds, got {dt!r}")
    return dt


def from_nir(
    graph_or_path: Union[nir.NIRGraph, "os.PathLike[str]", str],
    dt: Optional[float] = None,
    input_shape: Optional[Sequence[int]] = None,
    dtype: Optional[torch.dtype] = None,
) -> NIRGraphModule:
    """Import a NIR graph, or read a ``.nir`` file, as a module run by Euler steps of ``dt`` seconds
    (``None``: the graph's ``metadata["dt"]``, written by :func:`~snn_deploy.nir.to_nir`).
    ``input_shape`` (one sample, no time or batch axis) replaces the ``Input`` node's type, for
    graphs whose exporter stored the batch axis there (norse 1.1 writes ``[1, features]``).
    Parameters are made in ``dtype`` (default: torch's default dtype) from NIR's arrays.

    The module is a sequence model: ``forward(x, state=None) -> (y, state)`` with ``x`` of shape
    ``(T, batch, *input_shape)``; see :class:`NIRGraphModule` and, for the discretization,
    :mod:`snn_deploy.nir.node_import`. A node or parameter that cannot be represented exactly raises
    :class:`~snn_deploy.nir.errors.NIRError` naming the node, its type and what is missing.
    """
    graph = graph_or_path if isinstance(graph_or_path, nir.NIRNode) else read(graph_or_path)
    flat = flatten_graph(graph)
    dt = _time_step(graph, flat, dt)
    input_shape = _input_shape(flat, input_shape)
    target = Target(dt, dtype or torch.get_default_dtype())
    imported = {name: import_node(name, flat.nodes[name], target) for name in flat.order}
    shapes = _shapes(flat, imported, input_shape, target.dtype)
    index = {name: k for k, name in enumerate(flat.order)}
    delayed_sources = [name for name in flat.order if any(s == name for s, _ in flat.delayed)]
    delayed_slot = {name: 1 + k for k, name in enumerate(delayed_sources)}
    first_output_slot = 1 + len(delayed_sources)
    input_slots: List[List[int]] = []
    for name in flat.order:
        if name == flat.input_name:
            input_slots.append([0])
            continue
        input_slots.append(
            [
                delayed_slot[s] if (s, t) in flat.delayed else first_output_slot + index[s]
                for s, t in flat.edges
                if t == name
            ]
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
        input_shapes=[shapes[f"in:{name}"] for name in flat.order],
        output_shapes=[shapes[f"out:{name}"] for name in flat.order],
        output_node=index[flat.output_name],
        state_sizes=[len(imported[name].state_fields) for name in flat.order],
        state_names=state_names,
        input_shape=input_shape,
        dt=dt,
    )
