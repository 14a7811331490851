"""Cases of the LIF with a refractory period."""

from case_tools import B, Case, current

import snn_deploy as snn

CASES = [
    Case("LIFRefracCell", lambda: snn.LIFRefracCell(), current(B, 5), "cell"),
    Case("LIFRefracRecurrentCell", lambda: snn.LIFRefracRecurrentCell(4, 5), current(B, 4, scale=100.0), "cell"),
]
