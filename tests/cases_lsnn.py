"""Cases of the long short-term memory SNN (adaptive threshold)."""

from case_tools import B, Case, T, current

import snn_deploy as snn

# An LSNN adds its input current after the threshold, so from rest it cannot fire on the first
# step; a leak potential above threshold (a tonically firing neuron) makes the first step spike,
# so that the two-step gradient check of the recurrent cell reaches the recurrent weights.
TONIC_LSNN = snn.LSNNParameters(v_leak=1.2)

CASES = [
    Case("LSNNCell", lambda: snn.LSNNCell(), current(B, 5), "cell"),
    Case("LSNN", lambda: snn.LSNN(), current(T, B, 5), "layer"),
    Case("LSNNRecurrentCell", lambda: snn.LSNNRecurrentCell(4, 5, TONIC_LSNN), current(B, 4, scale=100.0), "cell"),
    Case("LSNNRecurrent", lambda: snn.LSNNRecurrent(4, 5), current(T, B, 4, scale=100.0), "layer"),
]
