r"""Exponential filter (exponential smoothing) of a time series, norse 1.1's ``exp_filter_step``.

.. math::
    s(t) = x(t) + \alpha\, s(t - \Delta t), \qquad \alpha = e^{-\Delta t\, \tau_{\text{filter}}^{-1}}
"""

from torch import Tensor


def exp_filter_step(old_value: Tensor, new_value: Tensor, parameter: float) -> Tensor:
    r"""One filter step :math:`s \leftarrow \alpha s + x` with :math:`\alpha` = ``parameter``."""
    return parameter * old_value + new_value
