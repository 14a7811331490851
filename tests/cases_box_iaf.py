"""Cases of the box LIF / LI and integrate-and-fire families."""

from case_tools import B, Case, T, current

import snn_deploy as snn

CASES = [
    Case("LIFBoxCell", lambda: snn.LIFBoxCell(), current(B, 5, scale=40.0), "cell"),
    Case("LIBoxCell", lambda: snn.LIBoxCell(), current(B, 5), "cell", spiking=False),
    Case("IAFCell", lambda: snn.IAFCell(), current(B, 5, scale=2.0), "cell"),
    Case("IAF", lambda: snn.IAF(), current(T, B, 5, scale=1.0), "layer"),
]
