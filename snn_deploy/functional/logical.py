r"""Logic on spike (bit) vectors, as norse 1.1's ``logical``: with :math:`x, y \in \{0, 1\}`,

.. math::
    \text{and} = x y, \quad \text{xor} = |x - y|, \quad \text{or} = S(x + y), \quad
    \text{muller\_c} = S(x_1 x_2 + (x_1 + x_2) y_{\text{prev}}), \quad
    \text{posedge} = (1 - z_{\text{prev}}) z

where :math:`S` is :func:`~snn_deploy.functional.threshold_functions.super_fn` (a step with the
SuperSpike surrogate gradient).
"""

import torch
from torch import Tensor

from snn_deploy.functional.threshold_functions import super_fn


def logical_and(x: Tensor, y: Tensor) -> Tensor:
    """:math:`x y`."""
    return x * y


def logical_xor(x: Tensor, y: Tensor) -> Tensor:
    """:math:`|x - y|`."""
    return torch.abs(x - y)


def logical_or(x: Tensor, y: Tensor) -> Tensor:
    """:math:`S(x + y)`."""
    return super_fn(x + y)


def muller_c(y_prev: Tensor, x_1: Tensor, x_2: Tensor) -> Tensor:
    """The Muller C-element's next state: :math:`S(x_1 x_2 + (x_1 + x_2) y_{\\text{prev}})`."""
    return super_fn(x_1 * x_2 + (x_1 + x_2) * y_prev)


def posedge_detector(z: Tensor, z_prev: Tensor) -> Tensor:
    """1 where ``z`` went from 0 to 1: :math:`(1 - z_{\\text{prev}}) z`."""
    return (1 - z_prev) * z
