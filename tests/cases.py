"""The one table of every public module: how to build it and what to feed it.

Every generic test (compile, script, float64, CUDA, gradients, export) iterates ``CASES``;
``test_registry.py`` fails when a public ``nn.Module`` class of ``snn_deploy`` has no case.
Each model family lists its cases in its own ``cases_<family>.py``.
"""

import cases_box_iaf
import cases_coba_lif
import cases_containers
import cases_encoders
import cases_izhikevich
import cases_leaky_integrator
import cases_lif
import cases_lif_adex
import cases_lif_correlation
import cases_lif_ex
import cases_lif_mc
import cases_lif_refrac
import cases_lsnn
import cases_readout_encoder_steps

CASES = (
    cases_lif.CASES
    + cases_leaky_integrator.CASES
    + cases_containers.CASES
    + cases_lif_ex.CASES
    + cases_lif_adex.CASES
    + cases_lsnn.CASES
    + cases_lif_refrac.CASES
    + cases_lif_mc.CASES
    + cases_lif_correlation.CASES
    + cases_izhikevich.CASES
    + cases_coba_lif.CASES
    + cases_encoders.CASES
    + cases_readout_encoder_steps.CASES
    + cases_box_iaf.CASES
)
CASES_BY_NAME = {case.name: case for case in CASES}
