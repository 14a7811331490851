"""Cases of the Izhikevich family: inputs strong enough to fire within a step or two."""

from case_tools import B, Case, T, current

import snn_deploy as snn

CASES = [
    Case("IzhikevichCell", lambda: snn.IzhikevichCell(snn.tonic_spiking), current(B, 5, scale=600.0), "cell"),
    Case("Izhikevich", lambda: snn.Izhikevich(snn.tonic_bursting), current(T, B, 5), "layer"),
    Case(
        "IzhikevichRecurrentCell",
        lambda: snn.IzhikevichRecurrentCell(4, 5, snn.tonic_spiking),
        current(B, 4, scale=600.0),
        "cell",
    ),
    Case(
        "IzhikevichRecurrent",
        lambda: snn.IzhikevichRecurrent(4, 5, snn.mixed_mode),
        current(T, B, 4, scale=400.0),
        "layer",
    ),
]
