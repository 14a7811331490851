"""Cases of the leaky integrator (non-spiking readout)."""

from case_tools import B, Case, T, current, spikes

import snn_deploy as snn

CASES = [
    Case("LICell", lambda: snn.LICell(), current(B, 5), "cell", spiking=False),
    Case("LI", lambda: snn.LI(), current(T, B, 5), "layer", spiking=False),
    Case("LILinearCell", lambda: snn.LILinearCell(4, 5), spikes(B, 4), "cell", spiking=False),
]
