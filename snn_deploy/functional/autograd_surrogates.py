r"""norse 1.1's surrogate-gradient ``torch.autograd.Function`` classes, for code that calls them directly.

==============  ================================================  ===========================================
class           forward                                           backward (times the output gradient)
==============  ================================================  ===========================================
``SuperSpike``  :math:`H(x)`                                      :math:`1 / (|x| + 1)^2`
``HeaviErfc``   :math:`H(x)`                                      :math:`2 e^{-(k x)^2} / \sqrt{\pi}`
``HeaviTanh``   :math:`H(x)`                                      :math:`1 - \tanh^2(k x)`
``HeaviCirc``   :math:`H(x)`                                      :math:`2\alpha (\tfrac{1}{2 r} - \tfrac{x^2}{2 r^3})`, :math:`r = \sqrt{x^2 + \alpha^2}`
``CircDist``    a draw of Bernoulli(:math:`\tfrac12 + \tfrac{x}{2r}`)   as ``HeaviCirc``
``Logistic``    a draw of Bernoulli(:math:`\tfrac12 + \tfrac12 \tanh(k x)`)   :math:`1 - \tanh^2(k x)`
``Triangle``    :math:`H(x)`                                      :math:`\alpha \max(0, 1 - |x|)`
==============  ================================================  ===========================================

with :math:`H(x) = [x > 0]`. snn_deploy's own steps never use them: a ``torch.autograd.Function``
is a Python call, which a scripted model keeps as a Python op it cannot save (``torch.jit.save``
raises "Could not export Python function call") and which ONNX cannot express, so the package computes the same
values and gradients in straight-through form (:mod:`snn_deploy.functional.threshold_functions`,
which scripts and exports). Call ``super_fn``, ``heavi_tanh_fn`` … there instead of ``X.apply`` in
code that must deploy.
"""

import math
from typing import Any, Optional, Tuple

import torch
from torch import Tensor

from snn_deploy.functional.threshold import heaviside

Gradients = Tuple[Optional[Tensor], None]


class _Surrogate(torch.autograd.Function):
    """Saves ``x`` and the shape argument for a backward of ``dy * derivative(x, argument)``."""

    @staticmethod
    def setup_context(ctx: Any, inputs: Tuple[Any, ...], output: Any) -> None:
        x, argument = inputs
        ctx.save_for_backward(x)
        ctx.argument = argument

    @staticmethod
    def derivative(x: Tensor, argument: Any) -> Tensor:
        raise NotImplementedError

    @classmethod
    def backward(cls, ctx: Any, *grad_outputs: Tensor) -> Gradients:
        (x,) = ctx.saved_tensors
        return grad_outputs[0] * cls.derivative(x, ctx.argument), None


class _Step(_Surrogate):
    @staticmethod
    def forward(x: Tensor, argument: Any) -> Tensor:
        return heaviside(x)


class SuperSpike(_Step):
    r"""SuperSpike (Zenke & Ganguli 2018): :math:`H(x)`, gradient :math:`1/(|x| + 1)^2` (``alpha`` unused, as in norse)."""

    @staticmethod
    def derivative(x: Tensor, argument: Any) -> Tensor:
        return 1.0 / (torch.abs(x) + 1.0).pow(2)


class HeaviErfc(_Step):
    r""":math:`H(x)` with the gradient of :math:`\tfrac12 + \tfrac12 \operatorname{erfc}(k x)` as norse takes it."""

    @staticmethod
    def derivative(x: Tensor, argument: Any) -> Tensor:
        return 2 * torch.exp(-(argument * x).pow(2)) / math.sqrt(math.pi)


class HeaviTanh(_Step):
    r""":math:`H(x)` with the gradient :math:`1 - \tanh^2(k x)`."""

    @staticmethod
    def derivative(x: Tensor, argument: Any) -> Tensor:
        return 1 - (x * argument).tanh().pow(2)


def _circ_derivative(x: Tensor, argument: Any) -> Tensor:
    return (
        (-(x.pow(2) / (2 * (argument**2 + x.pow(2)).pow(1.5))) + 1 / (2 * (argument**2 + x.pow(2)).sqrt()))
        * 2
        * argument
    )


class HeaviCirc(_Step):
    r""":math:`H(x)` with the gradient of :math:`\tfrac12 + \tfrac12 x / \sqrt{x^2 + \alpha^2}` (times :math:`2\alpha`, as norse)."""

    derivative = staticmethod(_circ_derivative)


class Triangle(_Step):
    r""":math:`H(x)` with the triangular gradient :math:`\alpha \max(0, 1 - |x|)`."""

    @staticmethod
    def derivative(x: Tensor, argument: Any) -> Tensor:
        return argument * torch.relu(1 - x.abs())


class Logistic(_Surrogate):
    r"""A Bernoulli draw with probability :math:`\tfrac12 + \tfrac12 \tanh(k x)`; gradient :math:`1 - \tanh^2(k x)`."""

    @staticmethod
    def forward(x: Tensor, argument: Any) -> Tensor:
        return torch.distributions.bernoulli.Bernoulli(probs=0.5 + 0.5 * torch.tanh(argument * x)).sample()

    derivative = HeaviTanh.derivative


class CircDist(_Surrogate):
    r"""A Bernoulli draw with probability :math:`\tfrac12 + \tfrac12 x / \sqrt{x^2 + \alpha^2}`; gradient as :class:`HeaviCirc`."""

    @staticmethod
    def forward(x: Tensor, argument: Any) -> Tensor:
        return torch.distributions.bernoulli.Bernoulli(0.5 + 0.5 * (x / (x.pow(2) + argument**2).sqrt())).sample()

    derivative = staticmethod(_circ_derivative)
