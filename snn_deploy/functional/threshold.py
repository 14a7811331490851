r"""Spike thresholds with surrogate gradients, written as plain tensor algebra.

The forward value of every method is the exact Heaviside step

.. math::
    H(x) = \begin{cases} 0, & x \le 0 \\ 1, & x > 0 \end{cases}

and the backward pass uses the method's surrogate derivative :math:`g(x)`, through the
straight-through form

.. math::
    z = H(x) + \big(x - \operatorname{detach}(x)\big) \operatorname{detach}(g(x))

The bracket is exactly zero in the forward pass and its gradient is one, so the gradient of
:math:`z` is :math:`g(x)` exactly. No ``torch.autograd.Function`` is involved, so the same code
scripts, compiles with ``fullgraph=True`` and exports.

Surrogate derivatives, equal to norse 1.1's ``threshold`` methods (``alpha`` is the method's
parameter, ``p.alpha``):

==============  ===========================================
method          :math:`g(x)`
==============  ===========================================
``heaviside``   0 (no gradient)
``super``       :math:`1 / (|x| + 1)^2` (norse 1.1 ignores ``alpha`` here; so do we)
``triangle``    :math:`\alpha \max(0, 1 - |x|)`
``tanh``        :math:`1 - \tanh^2(\alpha x)`
``circ``        :math:`\alpha^3 / (x^2 + \alpha^2)^{3/2}`
``heavi_erfc``  :math:`2 e^{-(\alpha x)^2} / \sqrt{\pi}`
``super_alpha`` :math:`1 / (\alpha |x| + 1)^2`, SuperSpike as published (Zenke & Ganguli 2018),
                where ``alpha`` sets the sharpness: an opt-in, not in norse
==============  ===========================================
"""

import math

import torch
from torch import Tensor

THRESHOLD_METHODS = ("heaviside", "super", "triangle", "tanh", "circ", "heavi_erfc", "super_alpha")


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


def require_threshold_method(method: str) -> None:
    """Raise ``ValueError`` unless ``method`` names a known threshold (a form TorchScript compiles)."""
    if method not in ["heaviside", "super", "triangle", "tanh", "circ", "heavi_erfc", "super_alpha"]:
        raise ValueError(
            "threshold: unknown threshold method '"
            + method
            + "'; expected one of heaviside, super, triangle, tanh, circ, heavi_erfc, super_alpha"
        )


def surrogate_derivative(x: Tensor, method: str, alpha: float) -> Tensor:
    """The surrogate gradient :math:`g(x)` of ``method`` (see the table above)."""
    if method == "super":
        return 1.0 / (x.abs() + 1.0).pow(2)
    if method == "super_alpha":
        return 1.0 / (alpha * x.abs() + 1.0).pow(2)
    if method == "triangle":
        return alpha * torch.relu(1.0 - x.abs())
    if method == "tanh":
        return 1.0 - torch.tanh(alpha * x).pow(2)
    if method == "circ":  # alpha^3 / (x^2 + alpha^2)^(3/2), evaluated as norse 1.1 does
        r2 = alpha**2 + x.pow(2)
        return (-(x.pow(2) / (2 * r2.pow(1.5))) + 1 / (2 * r2.sqrt())) * 2 * alpha
    if method == "heavi_erfc":
        return 2.0 * torch.exp(-(alpha * x).pow(2)) / math.sqrt(math.pi)
    if method == "heaviside":
        return torch.zeros_like(x)
    raise ValueError(
        "threshold: unknown threshold method '"
        + method
        + "'; expected one of heaviside, super, triangle, tanh, circ, heavi_erfc, super_alpha"
    )


def threshold(x: Tensor, method: str, alpha: float) -> Tensor:
    r"""Spike :math:`z = H(x)` whose gradient is the surrogate derivative of ``method``.

    When ``x`` needs no gradient (inference, export) only the step is computed; an unknown
    ``method`` raises ``ValueError`` either way, as in norse 1.1.
    """
    require_threshold_method(method)
    spikes = heaviside(x)
    if method == "heaviside" or not x.requires_grad:
        return spikes
    surrogate = surrogate_derivative(x.detach(), method, alpha)
    return spikes + (x - x.detach()) * surrogate


def threshold_crossing(v: Tensor, v_th: Tensor, method: str, alpha: float) -> Tensor:
    r"""Spike :math:`z = H(v - v_{\text{th}})` with the surrogate gradient of ``method`` (see
    :func:`threshold`). Without a gradient it is the comparison :math:`[v > v_{\text{th}}]`, one
    operation where the difference takes two; the spikes are the same, since for floats (with
    gradual underflow) :math:`v - v_{\text{th}} > 0` exactly when :math:`v > v_{\text{th}}`.
    A threshold of another dtype than ``v`` takes the difference, whose dtype the spikes keep."""
    mixed = isinstance(v_th, Tensor) and v_th.dtype != v.dtype
    needs_gradient = v.requires_grad or (isinstance(v_th, Tensor) and v_th.requires_grad)
    if not mixed and (method == "heaviside" or not needs_gradient):
        return torch.gt(v, v_th).to(v.dtype)
    return threshold(v - v_th, method, alpha)


def sign(x: Tensor, method: str, alpha: float) -> Tensor:
    r"""Signed spike :math:`2 H(x) - 1` with the surrogate gradient of ``method``."""
    return 2.0 * threshold(x, method, alpha) - 1.0
