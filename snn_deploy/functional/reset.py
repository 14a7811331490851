r"""Reset mechanisms after a spike, with norse 1.1's signature ``(z, v, reset, th) -> v_new``.

* :func:`reset_value`: :math:`v \leftarrow (1 - z) v + z v_{\text{reset}}`
* :func:`reset_subtract`: :math:`v \leftarrow (1 - z) v + z (v - v_{\text{th}})`
"""

from typing import Callable

from torch import Tensor

ResetMethod = Callable[[Tensor, Tensor, Tensor, Tensor], Tensor]


def reset_value(z: Tensor, v: Tensor, reset: Tensor, th: Tensor) -> Tensor:
    r"""Set the voltage of spiking neurons to ``reset``: :math:`(1 - z) v + z v_{\text{reset}}`."""
    return (1 - z) * v + z * reset


def reset_subtract(z: Tensor, v: Tensor, reset: Tensor, th: Tensor) -> Tensor:
    r"""Subtract the threshold from the voltage of spiking neurons: :math:`(1 - z) v + z (v - v_{\text{th}})`."""
    return (1 - z) * v + z * (v - th)
