r"""Spike thresholds with surrogate gradients, written as plain tensor algebra.

The forward value of every method is the exact Heaviside step

.. math::
    H(x) = \begin{cases} 0, & x \le 0 \\ 1, & x > 0 \end{cases}

and the backward pass uses the method's surrogate derivative :math:`s'(x)`. Both come from the
straight-through form

.. math::
    z = H(x) + \big(s(x) - \operatorname{detach}(s(x))\big)

where :math:`s` is the antiderivative of the surrogate derivative. The bracket is exactly zero
in the forward pass, and its gradient is :math:`s'(x)`. No ``torch.autograd.Function`` is
involved, so the same code scripts, compiles with ``fullgraph=True`` and exports.

Surrogate derivatives (``alpha`` is the method's sharpness):

=============  ===========================================  =================================
method         :math:`s'(x)`                                 :math:`s(x)`
=============  ===========================================  =================================
``heaviside``  0                                            (no gradient)
``super``      :math:`1 / (\alpha |x| + 1)^2`               :math:`x / (1 + \alpha |x|)`
``triangle``   :math:`\alpha \max(0, 1 - |x|)`              :math:`\alpha (c - c|c|/2)`, :math:`c = \mathrm{clamp}(x, -1, 1)`
``tanh``       :math:`1 - \tanh^2(\alpha x)`                :math:`\tanh(\alpha x) / \alpha`
``circ``       :math:`\alpha^3 / (x^2 + \alpha^2)^{3/2}`    :math:`\alpha x / \sqrt{x^2 + \alpha^2}`
``heavi_erfc`` :math:`2 e^{-(\alpha x)^2} / \sqrt{\pi}`     :math:`\operatorname{erf}(\alpha x) / \alpha`
=============  ===========================================  =================================

These are the derivatives of norse 1.1's ``threshold`` methods, except ``super``: norse 1.1
ignores ``alpha`` there (its backward is :math:`1/(|x|+1)^2`); we use SuperSpike as published
(Zenke & Ganguli 2018), where ``alpha`` sets the sharpness.
"""

import torch
from torch import Tensor

THRESHOLD_METHODS = ("heaviside", "super", "triangle", "tanh", "circ", "heavi_erfc")


def heaviside(x: Tensor) -> Tensor:
    r"""Exact step :math:`H(x) = [x > 0]` in the dtype of ``x``; it has no gradient."""
    return torch.gt(x, 0.0).to(x.dtype)


def check_threshold_method(method: str, owner: str = "threshold") -> str:
    """Return ``method`` if it names a known threshold, else raise a ``ValueError`` naming ``owner``."""
    if method not in THRESHOLD_METHODS:
        raise ValueError(
            f"{owner}: unknown threshold method {method!r}; expected one of {', '.join(THRESHOLD_METHODS)}"
        )
    return method


def surrogate_antiderivative(x: Tensor, method: str, alpha: float) -> Tensor:
    """The function :math:`s(x)` whose derivative is the surrogate gradient of ``method``."""
    if method == "super":
        return x / (1.0 + alpha * x.abs())
    if method == "triangle":
        c = x.clamp(-1.0, 1.0)
        return alpha * (c - c * c.abs() / 2.0)
    if method == "tanh":
        return torch.tanh(alpha * x) / alpha
    if method == "circ":
        return alpha * x / torch.sqrt(x * x + alpha * alpha)
    if method == "heavi_erfc":
        return torch.erf(alpha * x) / alpha
    if method == "heaviside":
        return torch.zeros_like(x)
    raise ValueError(
        "threshold: unknown threshold method '"
        + method
        + "'; expected one of heaviside, super, triangle, tanh, circ, heavi_erfc"
    )


def threshold(x: Tensor, method: str, alpha: float) -> Tensor:
    r"""Spike :math:`z = H(x)` whose gradient is the surrogate derivative of ``method``.

    When ``x`` needs no gradient (inference, export) only the step is computed.
    """
    spikes = heaviside(x)
    if method == "heaviside" or not x.requires_grad:
        return spikes
    s = surrogate_antiderivative(x, method, alpha)
    return spikes + (s - s.detach())


def sign(x: Tensor, method: str, alpha: float) -> Tensor:
    r"""Signed spike :math:`2 H(x) - 1` with the surrogate gradient of ``method``."""
    return 2.0 * threshold(x, method, alpha) - 1.0
