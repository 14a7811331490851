"""LIF neuron with correlation sensors, ``LIFCorrelation`` (one time step, weights given per call).

See :mod:`snn_deploy.functional.lif_correlation` and
:mod:`snn_deploy.functional.correlation_sensor` for the equations.
"""

from typing import Optional, Tuple

import torch
from torch import Tensor

from snn_deploy.functional.correlation_sensor import CorrelationSensorParameters, CorrelationSensorState
from snn_deploy.functional.lif import LIFParameters, LIFState
from snn_deploy.functional.lif_correlation import (
    LIFCorrelationParameters,
    LIFCorrelationState,
    lif_correlation_step,
)
from snn_deploy.module.snn import NeuronModule, check_call


@torch.jit.unused
def _check_weights(
    module: "LIFCorrelation", input_tensor: Tensor, input_weights: Tensor, recurrent_weights: Tensor
) -> None:
    owner = type(module).__name__
    expected = {
        "input_weights": (input_weights, (module.hidden_size, module.input_size)),
        "recurrent_weights": (recurrent_weights, (module.hidden_size, module.hidden_size)),
    }
    for name, (weights, shape) in expected.items():
        if not isinstance(weights, Tensor) or not weights.is_floating_point():
            raise TypeError(f"{owner}: {name} must be a floating-point tensor, got {_describe(weights)}")
        if tuple(weights.shape) != shape:
            raise ValueError(f"{owner}: expected {name} of shape {shape}, got {tuple(weights.shape)}")
        if weights.dtype != input_tensor.dtype:
            raise TypeError(f"{owner}: expected {name} of the input's dtype {input_tensor.dtype}, got {weights.dtype}")


def _describe(value: object) -> str:
    return f"dtype {value.dtype}" if isinstance(value, Tensor) else type(value).__name__


class LIFCorrelation(NeuronModule):
    r"""One Euler step of a recurrent LIF neuron whose input and recurrent synapses carry
    correlation sensors (BrainScaleS-2), for learning rules that read the traces.

    Despite its name it is a cell, as in norse: the weights are not owned by the module but passed
    per call, ``forward(x_t, input_weights, recurrent_weights, state=None) -> (z, LIFCorrelationState)``
    with ``x_t`` of shape ``(batch, input_size)``, ``input_weights`` ``(hidden_size, input_size)``
    and ``recurrent_weights`` ``(hidden_size, hidden_size)`` (used as given, autapses included).
    """

    parameters_type = LIFCorrelationParameters
    min_input_dim = 2
    exact_input_dim = 2
    input_layout = "(batch, input_size)"
    lif_parameters_tau_syn_inv: Tensor
    lif_parameters_tau_mem_inv: Tensor
    lif_parameters_v_leak: Tensor
    lif_parameters_v_th: Tensor
    lif_parameters_v_reset: Tensor
    lif_parameters_method: str
    lif_parameters_alpha: float
    input_correlation_parameters_eta_p: Tensor
    input_correlation_parameters_eta_m: Tensor
    input_correlation_parameters_tau_ac_inv: Tensor
    input_correlation_parameters_tau_c_inv: Tensor
    recurrent_correlation_parameters_eta_p: Tensor
    recurrent_correlation_parameters_eta_m: Tensor
    recurrent_correlation_parameters_tau_ac_inv: Tensor
    recurrent_correlation_parameters_tau_c_inv: Tensor

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        p: Optional[LIFCorrelationParameters] = None,
        dt: float = 0.001,
    ):
        super().__init__(p, dt)
        self.input_size = int(input_size)
        self.hidden_size = int(hidden_size)

    @property
    def p(self) -> LIFCorrelationParameters:
        """The parameters, assembled at call time from the buffers named by their field paths
        (``lif_parameters_v_th``, ``input_correlation_parameters_eta_p``, ...)."""
        lif = LIFParameters(
            self.lif_parameters_tau_syn_inv,
            self.lif_parameters_tau_mem_inv,
            self.lif_parameters_v_leak,
            self.lif_parameters_v_th,
            self.lif_parameters_v_reset,
            self.lif_parameters_method,
            self.lif_parameters_alpha,
        )
        input_sensor = CorrelationSensorParameters(
            self.input_correlation_parameters_eta_p,
            self.input_correlation_parameters_eta_m,
            self.input_correlation_parameters_tau_ac_inv,
            self.input_correlation_parameters_tau_c_inv,
        )
        recurrent_sensor = CorrelationSensorParameters(
            self.recurrent_correlation_parameters_eta_p,
            self.recurrent_correlation_parameters_eta_m,
            self.recurrent_correlation_parameters_tau_ac_inv,
            self.recurrent_correlation_parameters_tau_c_inv,
        )
        return LIFCorrelationParameters(lif, input_sensor, recurrent_sensor)

    def initial_state(self, input_tensor: Tensor) -> LIFCorrelationState:
        """:math:`z = 0`, :math:`v = v_{\\text{leak}}`, :math:`i = 0` ``(batch, hidden_size)`` and
        all sensor flags and traces zero."""
        batch = input_tensor.shape[0]
        zeros = input_tensor.new_zeros((batch, self.hidden_size))
        input_zeros = input_tensor.new_zeros((batch, self.input_size, self.hidden_size))
        recurrent_zeros = input_tensor.new_zeros((batch, self.hidden_size, self.hidden_size))
        return LIFCorrelationState(
            lif_state=LIFState(z=zeros, v=zeros + self.lif_parameters_v_leak.detach(), i=zeros),
            input_correlation_state=CorrelationSensorState(input_zeros, input_zeros, input_zeros),
            recurrent_correlation_state=CorrelationSensorState(recurrent_zeros, recurrent_zeros, recurrent_zeros),
        )

    def forward(
        self,
        input_tensor: Tensor,
        input_weights: Tensor,
        recurrent_weights: Tensor,
        state: Optional[LIFCorrelationState] = None,
    ) -> Tuple[Tensor, LIFCorrelationState]:
        """One time step: ``(z, new_state)``; ``state=None`` starts from the initial state."""
        if not torch.jit.is_scripting():
            input_tensor, state = check_call(self, input_tensor, state)
            _check_weights(self, input_tensor, input_weights, recurrent_weights)
        if state is None:
            return lif_correlation_step(
                input_tensor, self.initial_state(input_tensor), input_weights, recurrent_weights, self.p, self.dt
            )
        return lif_correlation_step(input_tensor, state, input_weights, recurrent_weights, self.p, self.dt)

    def extra_repr(self) -> str:
        return f"input_size={self.input_size}, hidden_size={self.hidden_size}, p={self.p}, dt={self.dt}"
