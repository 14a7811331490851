r"""Exponential filter (exponential smoothing) of a time series, norse 1.1's ``exp_filter_step``.

.. math::
    s(t) = x(t) + \alpha\, s(t - \Delta t), \qquad \alpha = e^{-\Delta t\, \tau_{\text{filter}}^{-1}}
"""

from torch import Tensor


def exp_filter_step(old_value: Tensor, new_value: Tensor, parameter: float) -> Tensor:
    r"""One filter step :math:`s \leftarrow \alpha s + x` with :math:`\alpha` = ``parameter``.

    An integer ``old_value`` is filtered in float32, as norse 1.1 (whose step is scripted with a
    float ``parameter``) does: ``exp_filter_step(tensor([1]), tensor([0]), 1)`` is ``tensor([1.])``."""
    if not old_value.is_floating_point():
        old_value = old_value.float()
    return parameter * old_value + new_value
