"""Cases of the adaptive exponential LIF."""

from case_tools import B, Case, T, current

import snn_deploy as snn

CASES = [
    Case("LIFAdExCell", lambda: snn.LIFAdExCell(), current(B, 5), "cell"),
    Case("LIFAdEx", lambda: snn.LIFAdEx(), current(T, B, 5), "layer"),
    Case("LIFAdExRecurrentCell", lambda: snn.LIFAdExRecurrentCell(4, 5), current(B, 4, scale=100.0), "cell"),
    Case("LIFAdExRecurrent", lambda: snn.LIFAdExRecurrent(4, 5), current(T, B, 4, scale=100.0), "layer"),
]
