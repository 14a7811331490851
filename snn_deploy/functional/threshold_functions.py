r"""norse 1.1's named threshold functions, in straight-through form (no ``torch.autograd.Function``).

Each returns the forward value of norse's function and, when ``x`` needs a gradient, adds
:math:`(x - \operatorname{detach}(x))\, g(x)`, whose gradient is norse's surrogate derivative
:math:`g` (:func:`snn_deploy.functional.threshold.surrogate_derivative`):

==================  ======================================================  ==========================================
function            forward value                                           surrogate derivative
==================  ======================================================  ==========================================
``super_fn``        :math:`H(x)`                                            :math:`1 / (|x| + 1)^2` (norse ignores ``alpha``)
``heavi_erfc_fn``   :math:`H(x)`                                            :math:`2 e^{-(k x)^2} / \sqrt{\pi}`
``heavi_tanh_fn``   :math:`H(x)`                                            :math:`1 - \tanh^2(k x)`
``heavi_circ_fn``   :math:`H(x)`                                            :math:`k^3 / (x^2 + k^2)^{3/2}`
``triangle_fn``     :math:`H(x)`                                            :math:`\alpha \max(0, 1 - |x|)`
``logistic_fn``     a draw of :math:`\mathrm{Bernoulli}(\tfrac12 + \tfrac12 \tanh(k x))`   :math:`1 - \tanh^2(k x)`
``circ_dist_fn``    a draw of :math:`\mathrm{Bernoulli}(\tfrac12 + \tfrac12 x / \sqrt{x^2 + k^2})`   :math:`k^3 / (x^2 + k^2)^{3/2}`
==================  ======================================================  ==========================================

:math:`H(x) = [x > 0]`. The two random functions draw with ``torch.bernoulli`` from torch's global
RNG, as norse does, so one seed gives norse's spikes.
"""

import torch
from torch import Tensor

from snn_deploy.functional.threshold import heaviside, surrogate_derivative


def _with_surrogate(value: Tensor, x: Tensor, method: str, alpha: float) -> Tensor:
    """``value`` in the forward pass, with the gradient of ``method``'s surrogate with respect to ``x``."""
    if not x.requires_grad:
        return value
    return value + (x - x.detach()) * surrogate_derivative(x.detach(), method, alpha)


def super_fn(x: Tensor, alpha: float = 100.0) -> Tensor:
    r"""SuperSpike as norse 1.1 computes it: :math:`H(x)`, gradient :math:`1/(|x| + 1)^2`.

    ``alpha`` is accepted and, as in norse 1.1, has no effect."""
    return _with_surrogate(heaviside(x), x, "super", alpha)


def heavi_erfc_fn(x: Tensor, k: float) -> Tensor:
    r""":math:`H(x)` with the surrogate derivative :math:`2 e^{-(k x)^2} / \sqrt{\pi}`."""
    return _with_surrogate(heaviside(x), x, "heavi_erfc", k)


def heavi_tanh_fn(x: Tensor, k: float) -> Tensor:
    r""":math:`H(x)` with the surrogate derivative :math:`1 - \tanh^2(k x)`."""
    return _with_surrogate(heaviside(x), x, "tanh", k)


def heavi_circ_fn(x: Tensor, k: float) -> Tensor:
    r""":math:`H(x)` with the surrogate derivative :math:`k^3 / (x^2 + k^2)^{3/2}`."""
    return _with_surrogate(heaviside(x), x, "circ", k)


def triangle_fn(x: Tensor, alpha: float = 0.3) -> Tensor:
    r""":math:`H(x)` with the triangular surrogate derivative :math:`\alpha \max(0, 1 - |x|)`."""
    return _with_surrogate(heaviside(x), x, "triangle", alpha)


def logistic_fn(x: Tensor, k: float) -> Tensor:
    r"""Random spikes, Bernoulli with probability :math:`\tfrac12 + \tfrac12 \tanh(k x)`; surrogate
    derivative :math:`1 - \tanh^2(k x)`."""
    probability = 0.5 + 0.5 * torch.tanh(k * x.detach())
    return _with_surrogate(torch.bernoulli(probability), x, "tanh", k)


def circ_dist_fn(x: Tensor, k: float) -> Tensor:
    r"""Random spikes, Bernoulli with probability :math:`\tfrac12 + \tfrac12 x / \sqrt{x^2 + k^2}`;
    surrogate derivative :math:`k^3 / (x^2 + k^2)^{3/2}`."""
    xd = x.detach()
    probability = 0.5 + 0.5 * (xd / torch.sqrt(xd * xd + k * k))
    return _with_surrogate(torch.bernoulli(probability), x, "circ", k)
