"""Cases of the refractory recurrent LIF layer and the refractory LIFAdEx family."""

from case_tools import B, Case, T, current

import snn_deploy as snn

CASES = [
    Case("LIFRefracRecurrent", lambda: snn.LIFRefracRecurrent(4, 5), current(T, B, 4, scale=100.0), "layer"),
    Case("LIFAdExRefracCell", lambda: snn.LIFAdExRefracCell(), current(B, 5), "cell"),
    Case(
        "LIFAdExRefracRecurrentCell",
        lambda: snn.LIFAdExRefracRecurrentCell(4, 5),
        current(B, 4, scale=100.0),
        "cell",
    ),
    Case("LIFAdExRefracRecurrent", lambda: snn.LIFAdExRefracRecurrent(4, 5), current(T, B, 4, scale=100.0), "layer"),
]
