"""Pure step functions of the neuron models: tensors and NamedTuples in, new tensors out."""

from snn_deploy.functional.leaky_integrator import LIParameters as LIParameters
from snn_deploy.functional.leaky_integrator import LIState as LIState
from snn_deploy.functional.leaky_integrator import li_feed_forward_step as li_feed_forward_step
from snn_deploy.functional.leaky_integrator import li_step as li_step
from snn_deploy.functional.lif import LIFFeedForwardState as LIFFeedForwardState
from snn_deploy.functional.lif import LIFParameters as LIFParameters
from snn_deploy.functional.lif import LIFState as LIFState
from snn_deploy.functional.lif import lif_feed_forward_step as lif_feed_forward_step
from snn_deploy.functional.lif import lif_integrate as lif_integrate
from snn_deploy.functional.lif import lif_step as lif_step
from snn_deploy.functional.regularization import regularize_step as regularize_step
from snn_deploy.functional.regularization import spike_accumulator as spike_accumulator
from snn_deploy.functional.regularization import voltage_accumulator as voltage_accumulator
from snn_deploy.functional.threshold import THRESHOLD_METHODS as THRESHOLD_METHODS
from snn_deploy.functional.threshold import heaviside as heaviside
from snn_deploy.functional.threshold import sign as sign
from snn_deploy.functional.threshold import surrogate_antiderivative as surrogate_antiderivative
from snn_deploy.functional.threshold import threshold as threshold
