"""Every public name of ``snn_deploy``, re-exported explicitly (``import snn_deploy as snn; snn.LIF``).

``snn_deploy/__init__.py`` loads this module on first attribute access, so that
``snn_deploy.runtime`` can run ONNX artifacts without importing torch.
"""

# --- core: LIF and LI families, containers ---
from snn_deploy.compile import compile_model as compile_model

# --- zoo B: Izhikevich and conductance-based LIF ---
from snn_deploy.functional.coba_lif import CobaLIFParameters as CobaLIFParameters
from snn_deploy.functional.coba_lif import CobaLIFState as CobaLIFState

# --- zoo C: refractory, multi-compartment and correlation LIF ---
from snn_deploy.functional.correlation_sensor import CorrelationSensorParameters as CorrelationSensorParameters
from snn_deploy.functional.correlation_sensor import CorrelationSensorState as CorrelationSensorState
from snn_deploy.functional.izhikevich import IzhikevichParameters as IzhikevichParameters
from snn_deploy.functional.izhikevich import IzhikevichRecurrentState as IzhikevichRecurrentState
from snn_deploy.functional.izhikevich import IzhikevichSpikingBehavior as IzhikevichSpikingBehavior
from snn_deploy.functional.izhikevich import IzhikevichState as IzhikevichState
from snn_deploy.functional.izhikevich import accomodation as accomodation
from snn_deploy.functional.izhikevich import bistability as bistability
from snn_deploy.functional.izhikevich import class_1_exc as class_1_exc
from snn_deploy.functional.izhikevich import class_2_exc as class_2_exc
from snn_deploy.functional.izhikevich import create_izhikevich_spiking_behavior as create_izhikevich_spiking_behavior
from snn_deploy.functional.izhikevich import dap as dap
from snn_deploy.functional.izhikevich import inhibition_induced_bursting as inhibition_induced_bursting
from snn_deploy.functional.izhikevich import inhibition_induced_spiking as inhibition_induced_spiking
from snn_deploy.functional.izhikevich import integrator as integrator
from snn_deploy.functional.izhikevich import mixed_mode as mixed_mode
from snn_deploy.functional.izhikevich import phasic_bursting as phasic_bursting
from snn_deploy.functional.izhikevich import phasic_spiking as phasic_spiking
from snn_deploy.functional.izhikevich import rebound_burst as rebound_burst
from snn_deploy.functional.izhikevich import rebound_spike as rebound_spike
from snn_deploy.functional.izhikevich import resonator as resonator
from snn_deploy.functional.izhikevich import spike_frequency_adaptation as spike_frequency_adaptation
from snn_deploy.functional.izhikevich import spike_latency as spike_latency
from snn_deploy.functional.izhikevich import subthreshold_oscillation as subthreshold_oscillation
from snn_deploy.functional.izhikevich import threshold_variability as threshold_variability
from snn_deploy.functional.izhikevich import tonic_bursting as tonic_bursting
from snn_deploy.functional.izhikevich import tonic_spiking as tonic_spiking
from snn_deploy.functional.leaky_integrator import LIParameters as LIParameters
from snn_deploy.functional.leaky_integrator import LIState as LIState
from snn_deploy.functional.lif import LIFFeedForwardState as LIFFeedForwardState
from snn_deploy.functional.lif import LIFParameters as LIFParameters
from snn_deploy.functional.lif import LIFState as LIFState

# --- zoo A: exponential, adaptive exponential and adaptive-threshold LIF ---
from snn_deploy.functional.lif_adex import LIFAdExFeedForwardState as LIFAdExFeedForwardState
from snn_deploy.functional.lif_adex import LIFAdExParameters as LIFAdExParameters
from snn_deploy.functional.lif_adex import LIFAdExState as LIFAdExState
from snn_deploy.functional.lif_correlation import LIFCorrelationParameters as LIFCorrelationParameters
from snn_deploy.functional.lif_correlation import LIFCorrelationState as LIFCorrelationState
from snn_deploy.functional.lif_ex import LIFExFeedForwardState as LIFExFeedForwardState
from snn_deploy.functional.lif_ex import LIFExParameters as LIFExParameters
from snn_deploy.functional.lif_ex import LIFExState as LIFExState
from snn_deploy.functional.lif_refrac import LIFRefracFeedForwardState as LIFRefracFeedForwardState
from snn_deploy.functional.lif_refrac import LIFRefracParameters as LIFRefracParameters
from snn_deploy.functional.lif_refrac import LIFRefracState as LIFRefracState
from snn_deploy.functional.lsnn import LSNNFeedForwardState as LSNNFeedForwardState
from snn_deploy.functional.lsnn import LSNNParameters as LSNNParameters
from snn_deploy.functional.lsnn import LSNNState as LSNNState
from snn_deploy.module.coba_lif import CobaLIFCell as CobaLIFCell
from snn_deploy.module.conv import LConv2d as LConv2d

# --- zoo D: encoders ---
from snn_deploy.module.encode import ConstantCurrentLIFEncoder as ConstantCurrentLIFEncoder
from snn_deploy.module.encode import PoissonEncoder as PoissonEncoder
from snn_deploy.module.encode import PopulationEncoder as PopulationEncoder
from snn_deploy.module.encode import SignedPoissonEncoder as SignedPoissonEncoder
from snn_deploy.module.encode import SpikeLatencyEncoder as SpikeLatencyEncoder
from snn_deploy.module.encode import SpikeLatencyLIFEncoder as SpikeLatencyLIFEncoder
from snn_deploy.module.izhikevich import Izhikevich as Izhikevich
from snn_deploy.module.izhikevich import IzhikevichCell as IzhikevichCell
from snn_deploy.module.izhikevich import IzhikevichRecurrent as IzhikevichRecurrent
from snn_deploy.module.izhikevich import IzhikevichRecurrentCell as IzhikevichRecurrentCell
from snn_deploy.module.leaky_integrator import LI as LI
from snn_deploy.module.leaky_integrator import LICell as LICell
from snn_deploy.module.leaky_integrator import LILinearCell as LILinearCell
from snn_deploy.module.lif import LIF as LIF
from snn_deploy.module.lif import LIFCell as LIFCell
from snn_deploy.module.lif import LIFRecurrent as LIFRecurrent
from snn_deploy.module.lif import LIFRecurrentCell as LIFRecurrentCell
from snn_deploy.module.lif_adex import LIFAdEx as LIFAdEx
from snn_deploy.module.lif_adex import LIFAdExCell as LIFAdExCell
from snn_deploy.module.lif_adex import LIFAdExRecurrent as LIFAdExRecurrent
from snn_deploy.module.lif_adex import LIFAdExRecurrentCell as LIFAdExRecurrentCell
from snn_deploy.module.lif_correlation import LIFCorrelation as LIFCorrelation
from snn_deploy.module.lif_ex import LIFEx as LIFEx
from snn_deploy.module.lif_ex import LIFExCell as LIFExCell
from snn_deploy.module.lif_ex import LIFExRecurrent as LIFExRecurrent
from snn_deploy.module.lif_ex import LIFExRecurrentCell as LIFExRecurrentCell
from snn_deploy.module.lif_mc import LIFMCRecurrentCell as LIFMCRecurrentCell
from snn_deploy.module.lif_mc_refrac import LIFMCRefracRecurrentCell as LIFMCRefracRecurrentCell
from snn_deploy.module.lif_refrac import LIFRefracCell as LIFRefracCell
from snn_deploy.module.lif_refrac import LIFRefracRecurrentCell as LIFRefracRecurrentCell
from snn_deploy.module.lift import Lift as Lift
from snn_deploy.module.lsnn import LSNN as LSNN
from snn_deploy.module.lsnn import LSNNCell as LSNNCell
from snn_deploy.module.lsnn import LSNNRecurrent as LSNNRecurrent
from snn_deploy.module.lsnn import LSNNRecurrentCell as LSNNRecurrentCell
from snn_deploy.module.regularization import RegularizationCell as RegularizationCell
from snn_deploy.module.sequential import SequentialState as SequentialState

__all__ = [name for name in dir() if not name.startswith("_")]
