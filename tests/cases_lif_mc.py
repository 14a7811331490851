"""Cases of the multi-compartment LIF, with and without a refractory period."""

from case_tools import B, Case, current

import snn_deploy as snn

CASES = [
    Case("LIFMCRecurrentCell", lambda: snn.LIFMCRecurrentCell(4, 5), current(B, 4, scale=100.0), "cell"),
    Case("LIFMCRefracRecurrentCell", lambda: snn.LIFMCRefracRecurrentCell(4, 5), current(B, 4, scale=100.0), "cell"),
]
