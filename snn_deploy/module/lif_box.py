"""``LIFBoxCell``: one Euler step of a LIF neuron without a synaptic current (norse 1.1's ``LIFBoxCell``).

See :mod:`snn_deploy.functional.lif_box` for the equations.
"""

from typing import Tuple

import torch
from torch import Tensor, nn

from snn_deploy.functional.lif_box import LIFBoxFeedForwardState, LIFBoxParameters, lif_box_integrate
from snn_deploy.functional.reset import ResetMethod, reset_subtract, reset_value
from snn_deploy.module import snn
from snn_deploy.module.lif import LIFMembraneFields


class LIFBoxParameterFields(LIFMembraneFields, snn.NeuronModule):
    """``p``, assembled at call time from the module's buffers (or parameters) ``tau_mem_inv``,
    ``v_leak``, ``v_th``, ``v_reset`` and its attributes ``method``, ``alpha``, ``reset_method``.

    TorchScript cannot hold ``reset_method`` (a Python callable), so scripted code resets with
    :func:`reset_value` or :func:`reset_subtract`, whichever it is, and ``p`` is Python-only."""

    __jit_unused_properties__ = ["p"]
    __jit_ignored_attributes__ = ["reset_method"]

    parameters_type = LIFBoxParameters
    reset_method: ResetMethod
    scripted_reset_subtracts: bool = False

    @property
    def p(self) -> LIFBoxParameters:
        return LIFBoxParameters(
            self.tau_mem_inv, self.v_leak, self.v_th, self.v_reset, self.method, self.alpha, self.reset_method
        )


class LIFBoxCell(LIFBoxParameterFields, snn.NeuronCell):
    r"""One Euler step of a LIF neuron without a current term: the input moves the voltage at once.

    .. math::
        \dot{v} = \tau_{\text{mem}}^{-1} (v_{\text{leak}} - v + i_{\text{in}}), \quad
        z = \Theta(v - v_{\text{th}}), \quad v \leftarrow (1 - z) v + z v_{\text{reset}}

    (or the reset of ``p.reset_method``, e.g. :func:`~snn_deploy.functional.reset.reset_subtract`).
    ``LIFBoxCell(p=LIFBoxParameters(), dt=0.001)``;
    ``forward(x_t, state=None) -> (z, LIFBoxFeedForwardState)`` for ``x_t`` of any shape. A custom
    ``reset_method`` runs in Python and under ``torch.compile``; only :func:`reset_value` and
    :func:`reset_subtract` script.
    """

    def initial_step_state(self, input_tensor: Tensor) -> LIFBoxFeedForwardState:
        """:math:`v = v_{\\text{leak}}`, shaped like the input."""
        return LIFBoxFeedForwardState(v=torch.zeros_like(input_tensor) + self.v_leak.detach())

    def step(self, input_tensor: Tensor, state: LIFBoxFeedForwardState) -> Tuple[Tensor, LIFBoxFeedForwardState]:
        z, v = lif_box_integrate(
            input_tensor, state.v, self.tau_mem_inv, self.v_leak, self.v_th, self.method, self.alpha, self.dt
        )
        if torch.jit.is_scripting():
            if self.scripted_reset_subtracts:
                return z, LIFBoxFeedForwardState(reset_subtract(z, v, self.v_reset, self.v_th))
            return z, LIFBoxFeedForwardState(reset_value(z, v, self.v_reset, self.v_th))
        return z, LIFBoxFeedForwardState(self._reset(z, v))

    forward = snn.cell_forward(LIFBoxFeedForwardState)

    @torch.jit.unused
    def _reset(self, z: Tensor, v: Tensor) -> Tensor:
        return self.reset_method(z, v, self.v_reset, self.v_th)

    def __prepare_scriptable__(self) -> nn.Module:
        if self.reset_method is not reset_value and self.reset_method is not reset_subtract:
            raise TypeError(
                "LIFBoxCell: only reset_value and reset_subtract script; got reset_method "
                f"{getattr(self.reset_method, '__name__', self.reset_method)!r} (it runs in Python and "
                "under torch.compile)"
            )
        self.scripted_reset_subtracts = self.reset_method is reset_subtract  # what the scripted forward reads
        return self
