"""The one table of every public module: how to build it and what to feed it.

Every generic test (compile, script, float64, CUDA, gradients, export) iterates ``CASES``;
``test_registry.py`` fails when a public ``nn.Module`` class of ``snn_deploy`` has no case.
Each model family lists its cases in its own ``cases_<family>.py``.
"""

from case_tools import B, Case, T, current, spikes, spikes_and_state
from cases_box_iaf import CASES as BOX_IAF_CASES
from cases_encoders import CASES as ENCODER_CASES
from cases_izhikevich_coba import CASES as IZHIKEVICH_COBA_CASES
from cases_lif_variants import CASES as LIF_VARIANT_CASES
from cases_readout_encoder_steps import CASES as READOUT_ENCODER_STEP_CASES
from cases_refrac_mc_correlation import CASES as REFRAC_MC_CORRELATION_CASES
from torch import nn

import snn_deploy as snn

CORE_CASES = [
    Case("LIFCell", lambda: snn.LIFCell(), current(B, 5), "cell"),
    Case("LIF", lambda: snn.LIF(), current(T, B, 5), "layer"),
    Case("LIFRecurrentCell", lambda: snn.LIFRecurrentCell(4, 5), current(B, 4, scale=100.0), "cell"),
    Case("LIFRecurrent", lambda: snn.LIFRecurrent(4, 5), current(T, B, 4, scale=100.0), "layer"),
    Case("LICell", lambda: snn.LICell(), current(B, 5), "cell", spiking=False),
    Case("LI", lambda: snn.LI(), current(T, B, 5), "layer", spiking=False),
    Case("LILinearCell", lambda: snn.LILinearCell(4, 5), spikes(B, 4), "cell", spiking=False),
    Case("Lift", lambda: snn.Lift(nn.Linear(4, 5)), current(T, B, 4), "stateless", spiking=False),
    Case("LConv2d", lambda: snn.LConv2d(2, 3, 3, padding=1), current(T, B, 2, 6, 6), "stateless", spiking=False),
    Case(
        "SequentialState",
        lambda: snn.SequentialState(
            snn.Lift(nn.Conv2d(2, 4, 3)), nn.Flatten(2), snn.LIFRecurrent(16, 6), snn.LIF(), snn.LI()
        ),
        current(T, B, 2, 4, 4, scale=20.0),
        "container",
    ),
    Case("RegularizationCell", lambda: snn.RegularizationCell(), spikes_and_state(B, 5), "stateless", spiking=False),
]

CASES = (
    CORE_CASES
    + LIF_VARIANT_CASES
    + IZHIKEVICH_COBA_CASES
    + REFRAC_MC_CORRELATION_CASES
    + ENCODER_CASES
    + READOUT_ENCODER_STEP_CASES
    + BOX_IAF_CASES
)
CASES_BY_NAME = {case.name: case for case in CASES}
