"""Model factories for the CLI tests (``snn-deploy export export_factories:NAME``)."""

from torch import nn

import snn_deploy as snn


def small_network():
    """A model and its per-sample input shape."""
    return snn.SequentialState(snn.Lift(nn.Linear(3, 4)), snn.LIF(), snn.LI()), (3,)


def not_a_model():
    return 42
