"""norse 1.1's ``superspike`` module: the autograd class and its straight-through function.

:class:`SuperSpike` is a ``torch.autograd.Function`` for code that calls it directly; a scripted
model holding it cannot be saved, nor exported. :func:`super_fn` gives the same values and gradients in straight-through form
and is what deployable code should call.
"""

from snn_deploy.functional.autograd_surrogates import SuperSpike as SuperSpike
from snn_deploy.functional.threshold_functions import super_fn as super_fn
