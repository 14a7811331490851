"""``ExpFilter``: a linear layer followed by exponential smoothing over time (norse 1.1's ``ExpFilter``)."""

import math
from typing import NamedTuple, Optional, Tuple

import torch
from torch import Tensor, nn

from snn_deploy.functional.filter import exp_filter_step
from snn_deploy.module.input_checks import check_float_input
from snn_deploy.module.snn import NeuronLayer, layer_forward


class _SmoothingParameters(NamedTuple):
    parameter: float = 0.0


class _ExpSmoothing(NeuronLayer):
    """:func:`exp_filter_step` over time from :math:`s_{-1} = 0` (so :math:`s_0 = y_0`)."""

    parameters_type = _SmoothingParameters
    parameter: float

    @property
    def p(self) -> _SmoothingParameters:
        return _SmoothingParameters(self.parameter)

    def initial_step_state(self, input_tensor: Tensor) -> Tensor:
        return torch.zeros_like(input_tensor)

    def step(self, input_tensor: Tensor, state: Tensor) -> Tuple[Tensor, Tensor]:
        smoothed = exp_filter_step(state, input_tensor, self.parameter)
        return smoothed, smoothed

    forward = layer_forward(Tensor)


class ExpFilter(nn.Module):
    r"""Smooth :math:`y_t = W x_t + b` over time:

    .. math::
        s_0 = y_0, \qquad s_t = \alpha s_{t-1} + y_t, \qquad \alpha = e^{-\Delta t\, \tau_{\text{filter}}^{-1}}

    ``forward(x) -> s`` for ``x`` of shape ``(T, ..., input_size)``, ``s`` of shape
    ``(T, ..., output_size)``. The weights are those of ``self.linear`` (an ``nn.Linear``, as in
    norse, so checkpoints carry over); ``input_weights`` of shape ``(output_size, input_size)``
    replaces the random initial weights.
    """

    def __init__(
        self,
        input_size: int,
        output_size: int,
        tau_filter_inv: float = 1e3,
        dt: float = 1e-3,
        input_weights: Optional[Tensor] = None,
        bias: bool = True,
    ) -> None:
        super().__init__()
        self.input_size = int(input_size)
        self.output_size = int(output_size)
        self.parameter = math.exp(-dt * tau_filter_inv)
        self.linear = nn.Linear(self.input_size, self.output_size, bias=bias)
        self.smoothing = _ExpSmoothing(_SmoothingParameters(self.parameter))
        if input_weights is not None:
            if tuple(input_weights.shape) != (self.output_size, self.input_size):
                raise ValueError(
                    f"ExpFilter: expected input_weights of shape {(self.output_size, self.input_size)}, "
                    f"got {tuple(input_weights.shape)}"
                )
            with torch.no_grad():
                self.linear.weight.copy_(input_weights)

    def extra_repr(self) -> str:
        return f"input_size={self.input_size}, output_size={self.output_size}, parameter={self.parameter}"

    def forward(self, input_tensor: Tensor) -> Tensor:
        if not torch.jit.is_scripting():
            layout = "(time, ..., input_size)"
            check_float_input("ExpFilter", input_tensor, 2, layout, self.input_size, self.linear.weight.dtype)
        return self.smoothing(self.linear(input_tensor))[0]
