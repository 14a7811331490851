"""Every public name of ``snn_deploy``, re-exported explicitly (``import snn_deploy as snn; snn.LIF``).

``snn_deploy/__init__.py`` loads this module on first attribute access, so that
``snn_deploy.runtime`` can run ONNX artifacts without importing torch.
"""

# --- core: LIF and LI families, containers ---
from snn_deploy.functional.leaky_integrator import LIParameters as LIParameters
from snn_deploy.functional.leaky_integrator import LIState as LIState
from snn_deploy.functional.lif import LIFFeedForwardState as LIFFeedForwardState
from snn_deploy.functional.lif import LIFParameters as LIFParameters
from snn_deploy.functional.lif import LIFState as LIFState
from snn_deploy.module.conv import LConv2d as LConv2d
from snn_deploy.module.leaky_integrator import LI as LI
from snn_deploy.module.leaky_integrator import LICell as LICell
from snn_deploy.module.leaky_integrator import LILinearCell as LILinearCell
from snn_deploy.module.lif import LIF as LIF
from snn_deploy.module.lif import LIFCell as LIFCell
from snn_deploy.module.lif import LIFRecurrent as LIFRecurrent
from snn_deploy.module.lif import LIFRecurrentCell as LIFRecurrentCell
from snn_deploy.module.lift import Lift as Lift
from snn_deploy.module.regularization import RegularizationCell as RegularizationCell
from snn_deploy.module.sequential import SequentialState as SequentialState
from snn_deploy.module.snn import SNN as SNN
from snn_deploy.module.snn import SNNCell as SNNCell
from snn_deploy.module.snn import SNNRecurrent as SNNRecurrent
from snn_deploy.module.snn import SNNRecurrentCell as SNNRecurrentCell

# --- zoo A: exponential, adaptive exponential and adaptive-threshold LIF ---

# --- zoo B: Izhikevich and conductance-based LIF ---

# --- zoo C: refractory, multi-compartment and correlation LIF ---

# --- zoo D: encoders ---

__all__ = [name for name in dir() if not name.startswith("_")]
