"""Cases of the LIFEx, LIFAdEx and LSNN families."""

from case_tools import B, Case, T, current

import snn_deploy as snn

# An LSNN adds its input current after the threshold, so from rest it cannot fire on the first
# step; a leak potential above threshold (a tonically firing neuron) makes the first step spike,
# so that the two-step gradient check of the recurrent cell reaches the recurrent weights.
TONIC_LSNN = snn.LSNNParameters(v_leak=1.2)

CASES = [
    Case("LIFExCell", lambda: snn.LIFExCell(), current(B, 5), "cell"),
    Case("LIFEx", lambda: snn.LIFEx(), current(T, B, 5), "layer"),
    Case("LIFExRecurrentCell", lambda: snn.LIFExRecurrentCell(4, 5), current(B, 4, scale=100.0), "cell"),
    Case("LIFExRecurrent", lambda: snn.LIFExRecurrent(4, 5), current(T, B, 4, scale=100.0), "layer"),
    Case("LIFAdExCell", lambda: snn.LIFAdExCell(), current(B, 5), "cell"),
    Case("LIFAdEx", lambda: snn.LIFAdEx(), current(T, B, 5), "layer"),
    Case("LIFAdExRecurrentCell", lambda: snn.LIFAdExRecurrentCell(4, 5), current(B, 4, scale=100.0), "cell"),
    Case("LIFAdExRecurrent", lambda: snn.LIFAdExRecurrent(4, 5), current(T, B, 4, scale=100.0), "layer"),
    Case("LSNNCell", lambda: snn.LSNNCell(), current(B, 5), "cell"),
    Case("LSNN", lambda: snn.LSNN(), current(T, B, 5), "layer"),
    Case("LSNNRecurrentCell", lambda: snn.LSNNRecurrentCell(4, 5, TONIC_LSNN), current(B, 4, scale=100.0), "cell"),
    Case("LSNNRecurrent", lambda: snn.LSNNRecurrent(4, 5), current(T, B, 4, scale=100.0), "layer"),
]
