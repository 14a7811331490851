"""Cases of the exponential LIF."""

from case_tools import B, Case, T, current

import snn_deploy as snn

CASES = [
    Case("LIFExCell", lambda: snn.LIFExCell(), current(B, 5), "cell"),
    Case("LIFEx", lambda: snn.LIFEx(), current(T, B, 5), "layer"),
    Case("LIFExRecurrentCell", lambda: snn.LIFExRecurrentCell(4, 5), current(B, 4, scale=100.0), "cell"),
    Case("LIFExRecurrent", lambda: snn.LIFExRecurrent(4, 5), current(T, B, 4, scale=100.0), "layer"),
]
