"""snn_deploy: norse-compatible spiking neuron models that train, compile, script, export and serve.

Every class of ``norse.torch.module`` (norse 1.1) is importable from here, with the same
constructor arguments, parameter and state NamedTuples, and Euler-step numerics.
"""

from snn_deploy.functional.leaky_integrator import LIParameters as LIParameters
from snn_deploy.functional.leaky_integrator import LIState as LIState
from snn_deploy.functional.lif import LIFFeedForwardState as LIFFeedForwardState
from snn_deploy.functional.lif import LIFParameters as LIFParameters
from snn_deploy.functional.lif import LIFState as LIFState
from snn_deploy.module import *  # noqa: F401,F403  (the module package lists its public classes)

__version__ = "0.1.0"
