"""Cases of the containers and wrappers: Lift, LConv2d, SequentialState, RegularizationCell."""

from case_tools import B, Case, T, current, spikes_and_state
from torch import nn

import snn_deploy as snn

CASES = [
    Case("Lift", lambda: snn.Lift(nn.Linear(4, 5)), current(T, B, 4), "stateless", spiking=False),
    Case("LConv2d", lambda: snn.LConv2d(2, 3, 3, padding=1), current(T, B, 2, 6, 6), "stateless", spiking=False),
    Case(
        "SequentialState",
        lambda: snn.SequentialState(
            snn.Lift(nn.Conv2d(2, 4, 3)), nn.Flatten(2), snn.LIFRecurrent(16, 6), snn.LIF(), snn.LI()
        ),
        current(T, B, 2, 4, 4, scale=20.0),
        "container",
    ),
    Case("RegularizationCell", lambda: snn.RegularizationCell(), spikes_and_state(B, 5), "stateless", spiking=False),
]
