r"""One NIR node to one step module (:mod:`snn_deploy.nir.nodes`), by norse's Euler step at ``dt``.

NIR states ODEs; every neuron here is their explicit Euler step, the input taken as a current held
over the step (the discretization of norse's and snntorch's NIR import and export). For ``CubaLIF``

.. math::
    I' = I + \frac{\Delta t}{\tau_\text{syn}} (w_\text{in} S - I), \qquad
    v' = v + \frac{\Delta t}{\tau_\text{mem}} (v_\text{leak} - v + r I')

followed by threshold and reset. This is exactly :class:`~snn_deploy.module.lif.LIFCell` with
``tau_syn_inv = 1/tau_syn``, ``tau_mem_inv = 1/tau_mem`` and every input multiplied by
:math:`r\, w_\text{in} \Delta t / \tau_\text{syn}`; its current is
:math:`i = r (1 - \Delta t/\tau_\text{syn}) I`. ``CubaLI`` maps the same way onto
:class:`~snn_deploy.module.leaky_integrator.LICell`. Without a synapse, ``LIF`` is
:math:`v' = v + \frac{\Delta t}{\tau} (v_\text{leak} - v + r S)`,
:class:`~snn_deploy.module.lif_box.LIFBoxCell` (reset to ``v_reset``) with inputs times :math:`r`;
``LI`` is :class:`~snn_deploy.module.leaky_integrator_box.LIBoxCell` the same way, and ``IF``,
:math:`v' = v + \Delta t\, r S`, is :class:`~snn_deploy.module.iaf.IAFCell` with inputs times
:math:`\Delta t\, r`. When the factor is 1 to float64 rounding (a
graph written by :func:`snn_deploy.nir.to_nir`, whose ``w_in`` is :math:`\tau_\text{syn}/\Delta t`)
no multiplication is made, so a round trip is bit-identical. Per-neuron arrays stay arrays.
"""

from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Tuple, Union

import nir
import numpy as np
import torch
from torch import Tensor, nn

from snn_deploy.functional.iaf import IAFParameters
from snn_deploy.functional.leaky_integrator import LIParameters
from snn_deploy.functional.leaky_integrator_box import LIBoxParameters
from snn_deploy.functional.lif import LIFParameters
from snn_deploy.functional.lif_box import LIFBoxParameters
from snn_deploy.module.iaf import IAFCell
from snn_deploy.module.leaky_integrator import LICell
from snn_deploy.module.leaky_integrator_box import LIBoxCell
from snn_deploy.module.lif import LIFCell
from snn_deploy.module.lif_box import LIFBoxCell
from snn_deploy.nir import nodes
from snn_deploy.nir.errors import node_error
from snn_deploy.nir.values import MAX_INT, float_array, positive, sizes, whole_numbers

# A factor within this relative distance of 1 is float64 rounding of tau_syn/dt * dt/tau_syn.
UNIT_TOLERANCE = 8 * np.finfo(np.float64).eps


# A Delay keeps this many steps at most, each a tensor of the state.
MAX_DELAY_STEPS = 10_000


@dataclass(frozen=True)
class Target:
    """What every node is imported for: the Euler step ``dt`` in seconds, the parameters' dtype and
    the most elements one node's state may hold per sample (``from_nir``'s ``max_elements``)."""

    dt: float
    dtype: torch.dtype
    max_elements: int


class ImportedNode:
    """A step module with the names of its state tensors."""

    def __init__(self, module: nn.Module, state_fields: List[str]):
        self.module = module
        self.state_fields = state_fields


def _tensor(array: np.ndarray, target: Target) -> Tensor:
    return torch.as_tensor(array, dtype=target.dtype).clone()


def _input_scale(factor: np.ndarray, target: Target) -> Optional[Tensor]:
    """``None`` when ``factor`` is 1 everywhere to float64 rounding, else the factor as a tensor."""
    if np.all(np.abs(factor - 1.0) <= UNIT_TOLERANCE):
        return None
    return _tensor(factor, target)


def _synapse(name: str, node: nir.NIRNode, target: Target) -> Tuple[np.ndarray, Optional[Tensor]]:
    """``tau_syn`` and the input factor :math:`r w_\\text{in} \\Delta t / \\tau_\\text{syn}`."""
    tau_syn = positive(name, node, "tau_syn")
    factor = float_array(name, node, "r") * float_array(name, node, "w_in") * (target.dt / tau_syn)
    return tau_syn, _input_scale(factor, target)


def _cuba_lif(name: str, node: nir.CubaLIF, target: Target) -> ImportedNode:
    tau_syn, scale = _synapse(name, node, target)
    p = LIFParameters(
        tau_syn_inv=_tensor(1.0 / tau_syn, target),
        tau_mem_inv=_tensor(1.0 / positive(name, node, "tau_mem"), target),
        v_leak=_tensor(float_array(name, node, "v_leak"), target),
        v_th=_tensor(float_array(name, node, "v_threshold"), target),
        v_reset=_tensor(_v_reset(name, node), target),
    )
    return ImportedNode(nodes.CubaLIFNode(LIFCell(p, dt=target.dt), scale), ["v", "i"])


def _cuba_li(name: str, node: nir.CubaLI, target: Target) -> ImportedNode:
    tau_syn, scale = _synapse(name, node, target)
    p = LIParameters(
        tau_syn_inv=_tensor(1.0 / tau_syn, target),
        tau_mem_inv=_tensor(1.0 / positive(name, node, "tau_mem"), target),
        v_leak=_tensor(float_array(name, node, "v_leak"), target),
    )
    return ImportedNode(nodes.CubaLINode(LICell(p, dt=target.dt), scale), ["v", "i"])


def _v_reset(name: str, node: nir.NIRNode) -> np.ndarray:
    """``v_reset``, 0 where the graph gives none (NIR's default)."""
    if getattr(node, "v_reset", None) is None:
        return np.zeros_like(float_array(name, node, "v_threshold"))
    return float_array(name, node, "v_reset")


def _lif(name: str, node: nir.LIF, target: Target) -> ImportedNode:
    p = LIFBoxParameters(
        tau_mem_inv=_tensor(1.0 / positive(name, node, "tau"), target),
        v_leak=_tensor(float_array(name, node, "v_leak"), target),
        v_th=_tensor(float_array(name, node, "v_threshold"), target),
        v_reset=_tensor(_v_reset(name, node), target),
    )
    scale = _input_scale(float_array(name, node, "r"), target)
    return ImportedNode(nodes.LIFNode(LIFBoxCell(p, dt=target.dt), scale), ["v"])


def _li(name: str, node: nir.LI, target: Target) -> ImportedNode:
    p = LIBoxParameters(
        tau_mem_inv=_tensor(1.0 / positive(name, node, "tau"), target),
        v_leak=_tensor(float_array(name, node, "v_leak"), target),
    )
    scale = _input_scale(float_array(name, node, "r"), target)
    return ImportedNode(nodes.LINode(LIBoxCell(p, dt=target.dt), scale), ["v"])


def _if(name: str, node: nir.IF, target: Target) -> ImportedNode:
    p = IAFParameters(
        v_th=_tensor(float_array(name, node, "v_threshold"), target), v_reset=_tensor(_v_reset(name, node), target)
    )
    scale = _input_scale(target.dt * float_array(name, node, "r"), target)
    return ImportedNode(nodes.IFNode(IAFCell(p, dt=target.dt), scale), ["v"])


def _integrator(name: str, node: nir.I, target: Target) -> ImportedNode:
    return ImportedNode(nodes.IntegratorNode(_tensor(float_array(name, node, "r"), target), target.dt), ["v"])


def _delay(name: str, node: nir.Delay, target: Target) -> ImportedNode:
    dt = target.dt
    steps = float_array(name, node, "delay") / dt
    if not np.all(np.isfinite(steps)):
        raise node_error(name, node, f"'delay' is not a finite number of steps of dt={dt}")
    whole = np.round(steps)
    if np.any(np.abs(steps - whole) > 1e-9 * np.maximum(1.0, whole)) or np.any(whole < 0):
        raise node_error(name, node, f"delays must be whole multiples of dt={dt}, got {steps.ravel()[:4]} steps")
    if whole.size and np.any(whole != whole.ravel()[0]):
        raise node_error(name, node, "per-neuron delays that differ are not supported (all neurons need one delay)")
    count = int(whole.ravel()[0]) if whole.size else 0
    if count > MAX_DELAY_STEPS or count * max(1, steps.size) > target.max_elements:
        raise node_error(
            name,
            node,
            f"a delay of {count} steps of {steps.size} neurons is more than {MAX_DELAY_STEPS} steps or "
            f"max_elements={target.max_elements} buffered numbers",
        )
    return ImportedNode(nodes.DelayNode(count), [f"buffer{k}" for k in range(count)])


def _stateless(module: nn.Module) -> ImportedNode:
    return ImportedNode(nodes.StatelessNode(module), [])


def _affine(name: str, node: nir.NIRNode, target: Target) -> ImportedNode:
    weight = float_array(name, node, "weight")
    if weight.ndim != 2 or weight.size == 0:
        raise node_error(name, node, f"expected a 2-D weight (out, in), got shape {list(weight.shape)}")
    bias = float_array(name, node, "bias") if isinstance(node, nir.Affine) else None
    if bias is not None and bias.shape != weight.shape[:1]:
        raise node_error(
            name, node, f"'bias' of shape {list(bias.shape)} does not match the weight's {weight.shape[0]} rows"
        )
    linear = nn.Linear(weight.shape[1], weight.shape[0], bias=bias is not None, dtype=target.dtype)
    with torch.no_grad():
        linear.weight.copy_(_tensor(weight, target))
        if bias is not None:
            linear.bias.copy_(_tensor(bias, target))
    return _stateless(linear)


def _conv(name: str, node: nir.NIRNode, target: Target) -> ImportedNode:
    weight = float_array(name, node, "weight")
    spatial = 1 if isinstance(node, nir.Conv1d) else 2
    if weight.ndim != 2 + spatial or weight.size == 0:
        raise node_error(name, node, f"expected a {2 + spatial}-D weight, got shape {list(weight.shape)}")
    groups = whole_numbers(name, node, "groups", node.groups, 1)
    if len(groups) != 1 or weight.shape[0] % groups[0]:
        raise node_error(name, node, f"'groups' must be one number dividing the {weight.shape[0]} output channels")
    stride = sizes(name, node, "stride", spatial, 1)
    padding: Union[str, List[int]]
    if isinstance(node.padding, str):
        if node.padding not in ("same", "valid") or (node.padding == "same" and stride != [1] * spatial):
            raise node_error(name, node, f"'padding' {node.padding!r} must be 'valid', or 'same' with stride 1")
        padding = node.padding
    else:
        padding = sizes(name, node, "padding", spatial, 0)
    bias = float_array(name, node, "bias") if node.bias is not None else None
    if bias is not None and bias.size != weight.shape[0]:
        raise node_error(
            name,
            node,
            f"'bias' of shape {list(bias.shape)} does not match the weight's {weight.shape[0]} output channels",
        )
    # sizes are lists of `spatial` ints; torch's stubs type them per layer as fixed-length tuples
    conv_type: Callable[..., Union[nn.Conv1d, nn.Conv2d]] = nn.Conv1d if spatial == 1 else nn.Conv2d
    conv = conv_type(
        weight.shape[1] * groups[0],
        weight.shape[0],
        list(weight.shape[2:]),
        stride=stride,
        padding=padding,
        dilation=sizes(name, node, "dilation", spatial, 1),
        groups=groups[0],
        bias=bias is not None,
        dtype=target.dtype,
    )
    with torch.no_grad():
        conv.weight.copy_(_tensor(weight, target))
        if conv.bias is not None and bias is not None:
            conv.bias.copy_(_tensor(bias, target).reshape(-1))
    return _stateless(conv)


def _pool(name: str, node: nir.NIRNode, target: Target) -> ImportedNode:
    kernel = sizes(name, node, "kernel_size", 2, 1)
    stride = sizes(name, node, "stride", 2, 1)
    padding = sizes(name, node, "padding", 2, 0)
    if any(2 * pad > size for pad, size in zip(padding, kernel)):
        raise node_error(name, node, f"'padding' {padding} must be at most half of 'kernel_size' {kernel}")
    # torch's stubs type AvgPool2d's sizes as pairs; both layers take the lists of two ints
    pool_type: Callable[..., nn.Module] = nodes.SumPool2d if isinstance(node, nir.SumPool2d) else nn.AvgPool2d
    return _stateless(pool_type(kernel, stride, padding))


def _flatten(name: str, node: nir.Flatten, target: Target) -> ImportedNode:
    start, end = (
        whole_numbers(name, node, field, getattr(node, field), -MAX_INT) for field in ("start_dim", "end_dim")
    )
    if len(start) != 1 or len(end) != 1:
        raise node_error(name, node, f"'start_dim' and 'end_dim' must be one number each, got {start} and {end}")
    return _stateless(nodes.SampleFlatten(start[0], end[0]))


IMPORTERS: Dict[type, Callable[[str, nir.NIRNode, Target], ImportedNode]] = {
    nir.Input: lambda name, node, target: _stateless(nn.Identity()),
    nir.Output: lambda name, node, target: _stateless(nn.Identity()),
    nir.Affine: _affine,
    nir.Linear: _affine,
    nir.Scale: lambda name, node, target: _stateless(nodes.Scale(_tensor(float_array(name, node, "scale"), target))),
    nir.Conv1d: _conv,
    nir.Conv2d: _conv,
    nir.Flatten: _flatten,
    nir.SumPool2d: _pool,
    nir.AvgPool2d: _pool,
    nir.Threshold: lambda name, node, target: _stateless(
        nodes.Threshold(_tensor(float_array(name, node, "threshold"), target))
    ),
    nir.Delay: _delay,
    nir.CubaLIF: _cuba_lif,
    nir.CubaLI: _cuba_li,
    nir.LIF: _lif,
    nir.LI: _li,
    nir.IF: _if,
    nir.I: _integrator,
}
if hasattr(nir, "Identity"):
    IMPORTERS[nir.Identity] = IMPORTERS[nir.Input]


def import_node(name: str, node: nir.NIRNode, target: Target) -> ImportedNode:
    """The step module of one (non-graph) NIR node; a :class:`NIRError` for any other type."""
    importer = IMPORTERS.get(type(node))
    if importer is None:
        supported = ", ".join(sorted(kind.__name__ for kind in IMPORTERS))
        raise node_error(name, node, f"node type {type(node).__name__} is not supported (supported: {supported})")
    return importer(name, node, target)
