"""Izhikevich modules: ``IzhikevichCell``, ``Izhikevich``, ``IzhikevichRecurrentCell``,
``IzhikevichRecurrent``, each built from a spiking behaviour such as ``tonic_spiking``.

See :mod:`snn_deploy.functional.izhikevich` for the equations, the step order and the behaviours.
The behaviour's parameters become buffers (``a``, ``b``, ...) and its initial state the buffers
``initial_v`` and ``initial_u``, broadcast to the input's shape, dtype and device in every call.
"""

from typing import Any, Optional, Tuple

import torch
from torch import Tensor

from snn_deploy.functional.izhikevich import (
    IzhikevichParameters,
    IzhikevichRecurrentState,
    IzhikevichSpikingBehavior,
    IzhikevichState,
    izhikevich_feed_forward_step,
    izhikevich_projected_step,
)
from snn_deploy.module import snn


def _behavior_parameters(owner: Any, spiking_method: Any) -> IzhikevichParameters:
    if not isinstance(spiking_method, IzhikevichSpikingBehavior):
        raise TypeError(
            f"{type(owner).__name__}: expected an IzhikevichSpikingBehavior (parameters and initial "
            f"state, such as tonic_spiking), got {type(spiking_method).__name__}"
        )
    return spiking_method.p


class IzhikevichParameterFields:
    """``p``, assembled at call time from the module's buffers (or parameters) and attributes."""

    a: Tensor
    b: Tensor
    c: Tensor
    d: Tensor
    sq: Tensor
    mn: Tensor
    bias: Tensor
    v_th: Tensor
    tau_inv: Tensor
    method: str
    alpha: float

    @property
    def p(self) -> IzhikevichParameters:
        return IzhikevichParameters(
            self.a,
            self.b,
            self.c,
            self.d,
            self.sq,
            self.mn,
            self.bias,
            self.v_th,
            self.tau_inv,
            self.method,
            self.alpha,
        )


class _IzhikevichInitialState(IzhikevichParameterFields, snn.NeuronModule):
    """Holds the behaviour's initial ``v`` and ``u`` as non-persistent buffers (norse keeps them
    out of the state_dict too), so they follow ``.to()``."""

    initial_v: Tensor
    initial_u: Tensor

    def _register_initial_state(self, s: IzhikevichState) -> None:
        for name, value in (("initial_v", s.v), ("initial_u", s.u)):
            tensor = torch.as_tensor(value, dtype=snn._float_dtype(value)).detach().clone()
            self.register_buffer(name, tensor, persistent=False)


class _IzhikevichFeedForward(_IzhikevichInitialState):
    """Feed-forward Izhikevich dynamics: the input is the current :math:`I`."""

    def __init__(self, spiking_method: IzhikevichSpikingBehavior, dt: float = 0.001):
        super().__init__(_behavior_parameters(self, spiking_method), dt)
        self._register_initial_state(spiking_method.s)

    def initial_step_state(self, input_tensor: Tensor) -> IzhikevichState:
        """The behaviour's initial ``v`` and ``u``, shaped like the input."""
        zeros = torch.zeros_like(input_tensor)
        return IzhikevichState(v=zeros + self.initial_v, u=zeros + self.initial_u)

    def step(self, input_tensor: Tensor, state: IzhikevichState) -> Tuple[Tensor, IzhikevichState]:
        return izhikevich_feed_forward_step(input_tensor, state, self.p, self.dt)


class _IzhikevichRecurrent(_IzhikevichInitialState, snn.RecurrentNeuronModule):
    """Recurrent Izhikevich dynamics: :math:`I = W_{\\text{in}} x + W_{\\text{rec}} z`."""

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        spiking_method: IzhikevichSpikingBehavior,
        input_weights: Optional[Tensor] = None,
        recurrent_weights: Optional[Tensor] = None,
        autapses: bool = False,
        dt: float = 0.001,
    ):
        p = _behavior_parameters(self, spiking_method)
        super().__init__(input_size, hidden_size, p, input_weights, recurrent_weights, autapses, dt)
        self._register_initial_state(spiking_method.s)

    def initial_step_state(self, input_tensor: Tensor) -> IzhikevichRecurrentState:
        """:math:`z = 0` and the behaviour's initial ``v`` and ``u``, shaped ``(batch, hidden_size)``."""
        zeros = self.hidden_zeros(input_tensor)
        return IzhikevichRecurrentState(z=zeros, v=zeros + self.initial_v, u=zeros + self.initial_u)

    step = snn.recurrent_step(IzhikevichRecurrentState)

    def projected_step(
        self, input_current: Tensor, state: IzhikevichRecurrentState, recurrent_weights: Tensor
    ) -> Tuple[Tensor, IzhikevichRecurrentState]:
        return izhikevich_projected_step(input_current, state, recurrent_weights, self.p, self.dt)


class IzhikevichCell(_IzhikevichFeedForward, snn.NeuronCell):
    r"""One Euler step of an Izhikevich neuron without recurrence.

    .. math::
        \dot{v} = \tau^{-1} (0.04 v^2 + 5 v + 140 - u + I), \quad \dot{u} = \tau^{-1} a (b v - u),
        \quad z = \Theta(v - 30), \quad v \leftarrow (1 - z) v + z c, \quad u \leftarrow u + z d

    ``IzhikevichCell(spiking_method, dt=0.001)`` with a behaviour such as ``tonic_spiking``;
    ``forward(x_t, state=None) -> (z, IzhikevichState)`` for ``x_t`` of any shape.
    """

    forward = snn.cell_forward(IzhikevichState)


class Izhikevich(_IzhikevichFeedForward, snn.NeuronLayer):
    """:class:`IzhikevichCell` over time: ``forward(x) -> (z for all T, final IzhikevichState)``
    for ``x`` of shape ``(T, batch, ...)``."""

    forward = snn.layer_forward(IzhikevichState)


class IzhikevichRecurrentCell(_IzhikevichRecurrent, snn.RecurrentCell):
    r"""One Euler step of a recurrent Izhikevich neuron.

    As :class:`IzhikevichCell`, driven by :math:`I = W_{\text{in}} x + W_{\text{rec}} z`.
    ``forward(x_t, state=None) -> (z, IzhikevichRecurrentState)`` for ``x_t`` of shape
    ``(batch, input_size)``.
    """

    forward = snn.cell_forward(IzhikevichRecurrentState)


class IzhikevichRecurrent(_IzhikevichRecurrent, snn.RecurrentLayer):
    """:class:`IzhikevichRecurrentCell` over time: ``forward(x) -> (z for all T, final
    IzhikevichRecurrentState)`` for ``x`` of shape ``(T, batch, input_size)``."""

    forward = snn.recurrent_layer_forward(IzhikevichRecurrentState)
