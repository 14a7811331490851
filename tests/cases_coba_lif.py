"""Cases of the conductance-based LIF."""

from case_tools import B, Case, current

import snn_deploy as snn

CASES = [
    Case("CobaLIFCell", lambda: snn.CobaLIFCell(4, 5), current(B, 4, scale=100.0), "cell"),
]
