"""Cases of the LIF: cell, layer and their recurrent variants."""

from case_tools import B, Case, T, current

import snn_deploy as snn

CASES = [
    Case("LIFCell", lambda: snn.LIFCell(), current(B, 5), "cell"),
    Case("LIF", lambda: snn.LIF(), current(T, B, 5), "layer"),
    Case("LIFRecurrentCell", lambda: snn.LIFRecurrentCell(4, 5), current(B, 4, scale=100.0), "cell"),
    Case("LIFRecurrent", lambda: snn.LIFRecurrent(4, 5), current(T, B, 4, scale=100.0), "layer"),
]
