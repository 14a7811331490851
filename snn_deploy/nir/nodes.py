r"""One time step of each NIR node, with a uniform interface the graph module can loop over.

Every node is ``forward(inputs, state) -> (output, new_state)``: ``inputs`` are the values on the
node's incoming edges (in the graph's edge order), ``state`` and ``new_state`` flat lists of
tensors (empty for stateless nodes), and ``initial_state(x)`` the state for an input like ``x``.

Stateless nodes apply their map to the sum of their inputs. Neuron nodes with a current add their
inputs one by one onto the current, :math:`i + x_1 + x_2 + \dots`, the order of
:func:`snn_deploy.functional.lif.recurrent_current`; each input is first multiplied by
``input_scale`` where the import needs one (see :mod:`snn_deploy.nir.node_import`).
"""

from typing import List, Optional, Tuple

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from snn_deploy.functional.iaf import IAFFeedForwardState, iaf_feed_forward_step
from snn_deploy.functional.leaky_integrator import LIState
from snn_deploy.functional.leaky_integrator_box import LIBoxState, li_box_feed_forward_step
from snn_deploy.functional.lif import LIFFeedForwardState
from snn_deploy.functional.lif_box import lif_box_integrate
from snn_deploy.functional.reset import reset_value
from snn_deploy.functional.threshold import heaviside
from snn_deploy.module.iaf import IAFCell
from snn_deploy.module.leaky_integrator import LICell
from snn_deploy.module.leaky_integrator_box import LIBoxCell
from snn_deploy.module.lif import LIFCell
from snn_deploy.module.lif_box import LIFBoxCell


def sum_inputs(inputs: List[Tensor]) -> Tensor:
    """:math:`x_1 + x_2 + \\dots` in edge order."""
    total = inputs[0]
    for x in inputs[1:]:
        total = total + x
    return total


class _InputScale(nn.Module):
    """An optional elementwise factor on every input: ``x * input_scale``, or ``x`` without one."""

    input_scale: Tensor

    def __init__(self, input_scale: Optional[Tensor]):
        super().__init__()
        self.scaled = input_scale is not None
        self.register_buffer("input_scale", torch.ones(()) if input_scale is None else input_scale)

    def forward(self, x: Tensor) -> Tensor:
        if self.scaled:
            return x * self.input_scale
        return x


class StatelessNode(nn.Module):
    """A stateless map of the summed inputs: ``Affine``, ``Linear``, ``Conv``, ``Flatten``, pooling,
    ``Scale``, ``Threshold``, and ``Input``/``Output``/``Identity`` (an ``nn.Identity``)."""

    def __init__(self, module: nn.Module):
        super().__init__()
        self.module = module

    def forward(self, inputs: List[Tensor], state: List[Tensor]) -> Tuple[Tensor, List[Tensor]]:
        return self.module(sum_inputs(inputs)), state

    def initial_state(self, input_tensor: Tensor) -> List[Tensor]:
        return []


class Scale(nn.Module):
    """:math:`y = s \\odot x` (NIR ``Scale``)."""

    scale: Tensor

    def __init__(self, scale: Tensor):
        super().__init__()
        self.register_buffer("scale", scale)

    def forward(self, x: Tensor) -> Tensor:
        return x * self.scale


class Threshold(nn.Module):
    """:math:`z = H(x - \\theta)` (NIR ``Threshold``), the exact step without a surrogate gradient."""

    threshold: Tensor

    def __init__(self, threshold: Tensor):
        super().__init__()
        self.register_buffer("threshold", threshold)

    def forward(self, x: Tensor) -> Tensor:
        return heaviside(x - self.threshold)


class SampleFlatten(nn.Module):
    """NIR ``Flatten``: ``start_dim``/``end_dim`` count the dimensions of one sample, so they move
    by one past the batch axis."""

    def __init__(self, start_dim: int, end_dim: int):
        super().__init__()
        self.start_dim = start_dim + 1 if start_dim >= 0 else start_dim
        self.end_dim = end_dim + 1 if end_dim >= 0 else end_dim

    def forward(self, x: Tensor) -> Tensor:
        return x.flatten(self.start_dim, self.end_dim)


class SumPool2d(nn.Module):
    """NIR ``SumPool2d``: the sum over each window (average pooling with divisor 1)."""

    def __init__(self, kernel_size: List[int], stride: List[int], padding: List[int]):
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride
        self.padding = padding

    def forward(self, x: Tensor) -> Tensor:
        return F.avg_pool2d(x, self.kernel_size, self.stride, self.padding, divisor_override=1)


class CubaLIFNode(nn.Module):
    """NIR ``CubaLIF`` as a :class:`~snn_deploy.module.lif.LIFCell`; state ``[v, i]``."""

    def __init__(self, cell: LIFCell, input_scale: Optional[Tensor] = None):
        super().__init__()
        self.cell = cell
        self.scale = _InputScale(input_scale)

    def forward(self, inputs: List[Tensor], state: List[Tensor]) -> Tuple[Tensor, List[Tensor]]:
        current = state[1]
        for x in inputs[:-1]:
            current = current + self.scale(x)
        z, new = self.cell.step(self.scale(inputs[-1]), LIFFeedForwardState(state[0], current))
        return z, [new.v, new.i]

    def initial_state(self, input_tensor: Tensor) -> List[Tensor]:
        state = self.cell.initial_step_state(input_tensor)
        return [state.v, state.i]


class CubaLINode(nn.Module):
    """NIR ``CubaLI`` as a :class:`~snn_deploy.module.leaky_integrator.LICell`; state ``[v, i]``."""

    def __init__(self, cell: LICell, input_scale: Optional[Tensor] = None):
        super().__init__()
        self.cell = cell
        self.scale = _InputScale(input_scale)

    def forward(self, inputs: List[Tensor], state: List[Tensor]) -> Tuple[Tensor, List[Tensor]]:
        current = state[1]
        for x in inputs[:-1]:
            current = current + self.scale(x)
        v, new = self.cell.step(self.scale(inputs[-1]), LIState(state[0], current))
        return v, [new.v, new.i]

    def initial_state(self, input_tensor: Tensor) -> List[Tensor]:
        state = self.cell.initial_step_state(input_tensor)
        return [state.v, state.i]


class LIFNode(nn.Module):
    """NIR ``LIF`` as a :class:`~snn_deploy.module.lif_box.LIFBoxCell` (reset to ``v_reset``);
    state ``[v]``. The inputs are summed (there is no current to add them onto)."""

    def __init__(self, cell: LIFBoxCell, input_scale: Optional[Tensor] = None):
        super().__init__()
        self.cell = cell
        self.scale = _InputScale(input_scale)

    def forward(self, inputs: List[Tensor], state: List[Tensor]) -> Tuple[Tensor, List[Tensor]]:
        c = self.cell
        x = self.scale(sum_inputs(inputs))
        z, v = lif_box_integrate(x, state[0], c.tau_mem_inv, c.v_leak, c.v_th, c.method, c.alpha, c.dt)
        return z, [reset_value(z, v, c.v_reset, c.v_th)]

    def initial_state(self, input_tensor: Tensor) -> List[Tensor]:
        return [self.cell.initial_state(input_tensor).v]


class LINode(nn.Module):
    """NIR ``LI`` as a :class:`~snn_deploy.module.leaky_integrator_box.LIBoxCell`; state ``[v]``."""

    def __init__(self, cell: LIBoxCell, input_scale: Optional[Tensor] = None):
        super().__init__()
        self.cell = cell
        self.scale = _InputScale(input_scale)

    def forward(self, inputs: List[Tensor], state: List[Tensor]) -> Tuple[Tensor, List[Tensor]]:
        v, new = li_box_feed_forward_step(
            self.scale(sum_inputs(inputs)), LIBoxState(state[0]), self.cell.p, self.cell.dt
        )
        return v, [new.v]

    def initial_state(self, input_tensor: Tensor) -> List[Tensor]:
        return [self.cell.initial_state(input_tensor).v]


class IFNode(nn.Module):
    """NIR ``IF`` as a :class:`~snn_deploy.module.iaf.IAFCell`; state ``[v]``."""

    def __init__(self, cell: IAFCell, input_scale: Optional[Tensor] = None):
        super().__init__()
        self.cell = cell
        self.scale = _InputScale(input_scale)

    def forward(self, inputs: List[Tensor], state: List[Tensor]) -> Tuple[Tensor, List[Tensor]]:
        z, new = iaf_feed_forward_step(self.scale(sum_inputs(inputs)), IAFFeedForwardState(state[0]), self.cell.p)
        return z, [new.v]

    def initial_state(self, input_tensor: Tensor) -> List[Tensor]:
        return [self.cell.initial_state(input_tensor).v]


class IntegratorNode(nn.Module):
    r"""NIR ``I``, :math:`\dot{v} = r x`, by one Euler step :math:`v \leftarrow v + \Delta t\, r x`;
    the output is :math:`v`, the state ``[v]`` starts at 0."""

    r: Tensor

    def __init__(self, r: Tensor, dt: float):
        super().__init__()
        self.register_buffer("r", r)
        self.dt = float(dt)

    def forward(self, inputs: List[Tensor], state: List[Tensor]) -> Tuple[Tensor, List[Tensor]]:
        v = state[0] + self.dt * self.r * sum_inputs(inputs)
        return v, [v]

    def initial_state(self, input_tensor: Tensor) -> List[Tensor]:
        return [torch.zeros_like(input_tensor)]


class DelayNode(nn.Module):
    """NIR ``Delay`` of ``steps`` whole time steps: the output is the input of ``steps`` steps ago
    (0 before that). The state holds the last ``steps`` inputs, oldest first."""

    def __init__(self, steps: int):
        super().__init__()
        self.steps = int(steps)

    def forward(self, inputs: List[Tensor], state: List[Tensor]) -> Tuple[Tensor, List[Tensor]]:
        x = sum_inputs(inputs)
        if self.steps == 0:
            return x, state
        return state[0], state[1:] + [x]

    def initial_state(self, input_tensor: Tensor) -> List[Tensor]:
        return [torch.zeros_like(input_tensor) for _ in range(self.steps)]
