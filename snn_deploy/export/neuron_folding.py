r"""Fold the constant arithmetic of neuron updates in an exported graph, exactly.

A neuron update traced with its parameters as constants keeps terms that vanish for the usual
values: the leak :math:`(v_{\text{leak}} - v) + i` at :math:`v_{\text{leak}} = 0` is
``Add(Sub(0, v), i)``, and the reset :math:`(1 - z) v + z\, v_{\text{reset}}` at
:math:`v_{\text{reset}} = 0` adds ``Mul(z, 0)``. Two rewrites drop them:

* ``Add(Sub(0, a), b) -> Sub(b, a)``: :math:`(0 - a) + b = b - a` in floating point too
  (negation is exact);
* ``Add(Mul(k, v), Mul(Cast(s), 0)) -> Mul(k, v)`` for a boolean ``s`` (spikes): the product
  is an exact zero, since :math:`s \in \{0, 1\}` is finite, and :math:`a + 0 = a`.

The values are the same (up to the sign of a zero), so the artifact still agrees with eager.
In W4's step (two LIF layers and an LI readout) they remove 7 of 40 nodes, each a pass over the
layer's state.
"""

from typing import Any

import onnx_ir as ir
from onnxscript.rewriter import RewritePass, RewriteRuleSet
from onnxscript.rewriter._ir_utils import is_singleton_value
from onnxscript.rewriter._rewrite_rule import RewriteRule


def _add_of_negation(op: Any, zero: ir.Value, a: ir.Value, b: ir.Value) -> ir.Value:
    return op.Add(op.Sub(zero, a), b)


def _is_scalar_zero(value: ir.Value) -> bool:
    """A rank-0 constant zero: it broadcasts into any shape, so dropping it keeps the shape."""
    return is_singleton_value(value, 0.0, rtol=0.0, rank=0)


def _is_zero(context: Any, zero: ir.Value, **_: Any) -> bool:
    return _is_scalar_zero(zero)


def _difference(op: Any, zero: ir.Value, a: ir.Value, b: ir.Value) -> ir.Value:
    return op.Sub(b, a)


def _reset_term(op: Any, kept: ir.Value, v: ir.Value, spikes: ir.Value, zero: ir.Value) -> ir.Value:
    return op.Add(op.Mul(kept, v), op.Mul(op.Cast(spikes), zero))


def _spikes_times_zero(context: Any, kept: ir.Value, v: ir.Value, spikes: ir.Value, zero: ir.Value) -> bool:
    """Boolean spikes shaped as the voltage or its factor (so the dropped term adds no axis) times
    a scalar zero."""
    shaped_alike = spikes.shape is not None and spikes.shape in (v.shape, kept.shape)
    return spikes.dtype == ir.DataType.BOOL and shaped_alike and _is_scalar_zero(zero)


def _kept_voltage(op: Any, kept: ir.Value, v: ir.Value, spikes: ir.Value, zero: ir.Value) -> ir.Value:
    return op.Mul(kept, v)


NEURON_FOLDING_RULES = RewriteRuleSet(
    [
        *RewriteRule(_add_of_negation, _difference, _is_zero).commute(),
        # the spikes have other uses (the output, the reset): match without removing their Cast
        *RewriteRule(_reset_term, _kept_voltage, _spikes_times_zero, remove_nodes=False).commute(),
    ]
)


def fold_neuron_constants(model: ir.Model) -> None:
    """Apply the rewrites above to ``model`` in place (nodes left unused stay for the caller's
    unused-node pass)."""
    RewritePass(NEURON_FOLDING_RULES)(model)
