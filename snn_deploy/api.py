"""Every public name of ``snn_deploy``, re-exported explicitly (``import snn_deploy as snn; snn.LIF``),
including the functional names that ``norse.torch`` re-exports (``snn.lif_step``).

``snn_deploy/__init__.py`` loads this module on first attribute access, so that
``snn_deploy.runtime`` can run ONNX artifacts without importing torch.
"""

# --- core: LIF and LI families, containers ---
from snn_deploy.compile import compile_model as compile_model
from snn_deploy.functional.coba_lif import CobaLIFFeedForwardState as CobaLIFFeedForwardState

# --- zoo B: Izhikevich and conductance-based LIF ---
from snn_deploy.functional.coba_lif import CobaLIFParameters as CobaLIFParameters
from snn_deploy.functional.coba_lif import CobaLIFState as CobaLIFState
from snn_deploy.functional.coba_lif import coba_lif_feed_forward_step as coba_lif_feed_forward_step
from snn_deploy.functional.coba_lif import coba_lif_step as coba_lif_step

# --- zoo C: refractory, multi-compartment and correlation LIF ---
from snn_deploy.functional.correlation_sensor import CorrelationSensorParameters as CorrelationSensorParameters
from snn_deploy.functional.correlation_sensor import CorrelationSensorState as CorrelationSensorState
from snn_deploy.functional.correlation_sensor import correlation_sensor_step as correlation_sensor_step
from snn_deploy.functional.encode import constant_current_lif_encode as constant_current_lif_encode
from snn_deploy.functional.encode import euclidean_distance as euclidean_distance
from snn_deploy.functional.encode import gaussian_rbf as gaussian_rbf
from snn_deploy.functional.encode import poisson_encode as poisson_encode
from snn_deploy.functional.encode import poisson_encode_step as poisson_encode_step
from snn_deploy.functional.encode import population_encode as population_encode
from snn_deploy.functional.encode import signed_poisson_encode as signed_poisson_encode
from snn_deploy.functional.encode import signed_poisson_encode_step as signed_poisson_encode_step
from snn_deploy.functional.encode import spike_latency_encode as spike_latency_encode
from snn_deploy.functional.encode import spike_latency_lif_encode as spike_latency_lif_encode
from snn_deploy.functional.iaf import IAFFeedForwardState as IAFFeedForwardState
from snn_deploy.functional.iaf import IAFParameters as IAFParameters
from snn_deploy.functional.iaf import IAFState as IAFState
from snn_deploy.functional.iaf import iaf_feed_forward_step as iaf_feed_forward_step
from snn_deploy.functional.iaf import iaf_step as iaf_step
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
from snn_deploy.functional.izhikevich import izhikevich_feed_forward_step as izhikevich_feed_forward_step
from snn_deploy.functional.izhikevich import izhikevich_recurrent_step as izhikevich_recurrent_step
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
from snn_deploy.functional.leaky_integrator import li_feed_forward_step as li_feed_forward_step
from snn_deploy.functional.leaky_integrator import li_step as li_step
from snn_deploy.functional.leaky_integrator_box import LIBoxParameters as LIBoxParameters
from snn_deploy.functional.leaky_integrator_box import LIBoxState as LIBoxState
from snn_deploy.functional.leaky_integrator_box import li_box_feed_forward_step as li_box_feed_forward_step
from snn_deploy.functional.leaky_integrator_box import li_box_step as li_box_step
from snn_deploy.functional.lif import LIFFeedForwardState as LIFFeedForwardState
from snn_deploy.functional.lif import LIFParameters as LIFParameters
from snn_deploy.functional.lif import LIFState as LIFState
from snn_deploy.functional.lif import lif_current_encoder as lif_current_encoder
from snn_deploy.functional.lif import lif_feed_forward_step as lif_feed_forward_step
from snn_deploy.functional.lif import lif_step as lif_step

# --- zoo A: exponential, adaptive exponential and adaptive-threshold LIF ---
from snn_deploy.functional.lif_adex import LIFAdExFeedForwardState as LIFAdExFeedForwardState
from snn_deploy.functional.lif_adex import LIFAdExParameters as LIFAdExParameters
from snn_deploy.functional.lif_adex import LIFAdExState as LIFAdExState
from snn_deploy.functional.lif_adex import lif_adex_current_encoder as lif_adex_current_encoder
from snn_deploy.functional.lif_adex import lif_adex_feed_forward_step as lif_adex_feed_forward_step
from snn_deploy.functional.lif_adex import lif_adex_step as lif_adex_step
from snn_deploy.functional.lif_adex_refrac import LIFAdExRefracFeedForwardState as LIFAdExRefracFeedForwardState
from snn_deploy.functional.lif_adex_refrac import LIFAdExRefracParameters as LIFAdExRefracParameters
from snn_deploy.functional.lif_adex_refrac import LIFAdExRefracState as LIFAdExRefracState
from snn_deploy.functional.lif_box import LIFBoxFeedForwardState as LIFBoxFeedForwardState
from snn_deploy.functional.lif_box import LIFBoxParameters as LIFBoxParameters
from snn_deploy.functional.lif_box import LIFBoxState as LIFBoxState
from snn_deploy.functional.lif_box import lif_box_feed_forward_step as lif_box_feed_forward_step
from snn_deploy.functional.lif_correlation import LIFCorrelationParameters as LIFCorrelationParameters
from snn_deploy.functional.lif_correlation import LIFCorrelationState as LIFCorrelationState
from snn_deploy.functional.lif_correlation import lif_correlation_step as lif_correlation_step
from snn_deploy.functional.lif_ex import LIFExFeedForwardState as LIFExFeedForwardState
from snn_deploy.functional.lif_ex import LIFExParameters as LIFExParameters
from snn_deploy.functional.lif_ex import LIFExState as LIFExState
from snn_deploy.functional.lif_ex import lif_ex_current_encoder as lif_ex_current_encoder
from snn_deploy.functional.lif_ex import lif_ex_feed_forward_step as lif_ex_feed_forward_step
from snn_deploy.functional.lif_ex import lif_ex_step as lif_ex_step
from snn_deploy.functional.lif_mc import lif_mc_feed_forward_step as lif_mc_feed_forward_step
from snn_deploy.functional.lif_mc import lif_mc_step as lif_mc_step
from snn_deploy.functional.lif_mc_refrac import lif_mc_refrac_feed_forward_step as lif_mc_refrac_feed_forward_step
from snn_deploy.functional.lif_mc_refrac import lif_mc_refrac_step as lif_mc_refrac_step
from snn_deploy.functional.lif_refrac import LIFRefracFeedForwardState as LIFRefracFeedForwardState
from snn_deploy.functional.lif_refrac import LIFRefracParameters as LIFRefracParameters
from snn_deploy.functional.lif_refrac import LIFRefracState as LIFRefracState
from snn_deploy.functional.lif_refrac import lif_refrac_feed_forward_step as lif_refrac_feed_forward_step
from snn_deploy.functional.lif_refrac import lif_refrac_step as lif_refrac_step
from snn_deploy.functional.lift import lift as lift
from snn_deploy.functional.lsnn import LSNNFeedForwardState as LSNNFeedForwardState
from snn_deploy.functional.lsnn import LSNNParameters as LSNNParameters
from snn_deploy.functional.lsnn import LSNNState as LSNNState
from snn_deploy.functional.lsnn import lsnn_feed_forward_step as lsnn_feed_forward_step
from snn_deploy.functional.lsnn import lsnn_step as lsnn_step
from snn_deploy.functional.receptive_field import gaussian_kernel as gaussian_kernel
from snn_deploy.functional.receptive_field import spatial_receptive_field as spatial_receptive_field
from snn_deploy.functional.receptive_field import (
    spatial_receptive_fields_with_derivatives as spatial_receptive_fields_with_derivatives,
)
from snn_deploy.functional.regularization import regularize_step as regularize_step
from snn_deploy.functional.regularization import spike_accumulator as spike_accumulator
from snn_deploy.functional.regularization import voltage_accumulator as voltage_accumulator
from snn_deploy.functional.reset import ResetMethod as ResetMethod
from snn_deploy.functional.reset import reset_subtract as reset_subtract
from snn_deploy.functional.reset import reset_value as reset_value
from snn_deploy.functional.threshold import heaviside as heaviside
from snn_deploy.functional.threshold_functions import circ_dist_fn as circ_dist_fn
from snn_deploy.functional.threshold_functions import heavi_circ_fn as heavi_circ_fn
from snn_deploy.functional.threshold_functions import heavi_erfc_fn as heavi_erfc_fn
from snn_deploy.functional.threshold_functions import heavi_tanh_fn as heavi_tanh_fn
from snn_deploy.functional.threshold_functions import logistic_fn as logistic_fn
from snn_deploy.functional.threshold_functions import super_fn as super_fn
from snn_deploy.functional.threshold_functions import triangle_fn as triangle_fn
from snn_deploy.module.coba_lif import CobaLIFCell as CobaLIFCell
from snn_deploy.module.conv import LConv2d as LConv2d

# --- zoo D: encoders ---
from snn_deploy.module.custom_neuron import SNN as SNN
from snn_deploy.module.custom_neuron import SNNCell as SNNCell
from snn_deploy.module.custom_neuron import SNNRecurrent as SNNRecurrent
from snn_deploy.module.custom_neuron import SNNRecurrentCell as SNNRecurrentCell
from snn_deploy.module.encode import ConstantCurrentLIFEncoder as ConstantCurrentLIFEncoder
from snn_deploy.module.encode import PoissonEncoder as PoissonEncoder
from snn_deploy.module.encode import PopulationEncoder as PopulationEncoder
from snn_deploy.module.encode import SignedPoissonEncoder as SignedPoissonEncoder
from snn_deploy.module.encode import SpikeLatencyEncoder as SpikeLatencyEncoder
from snn_deploy.module.encode import SpikeLatencyLIFEncoder as SpikeLatencyLIFEncoder
from snn_deploy.module.encode_step import PoissonEncoderStep as PoissonEncoderStep
from snn_deploy.module.encode_step import SignedPoissonEncoderStep as SignedPoissonEncoderStep
from snn_deploy.module.exp_filter import ExpFilter as ExpFilter
from snn_deploy.module.iaf import IAF as IAF
from snn_deploy.module.iaf import IAFCell as IAFCell
from snn_deploy.module.izhikevich import Izhikevich as Izhikevich
from snn_deploy.module.izhikevich import IzhikevichCell as IzhikevichCell
from snn_deploy.module.izhikevich import IzhikevichRecurrent as IzhikevichRecurrent
from snn_deploy.module.izhikevich import IzhikevichRecurrentCell as IzhikevichRecurrentCell
from snn_deploy.module.leaky_integrator import LI as LI
from snn_deploy.module.leaky_integrator import LICell as LICell
from snn_deploy.module.leaky_integrator import LILinearCell as LILinearCell
from snn_deploy.module.leaky_integrator_box import LIBoxCell as LIBoxCell
from snn_deploy.module.lif import LIF as LIF
from snn_deploy.module.lif import LIFCell as LIFCell
from snn_deploy.module.lif import LIFRecurrent as LIFRecurrent
from snn_deploy.module.lif import LIFRecurrentCell as LIFRecurrentCell
from snn_deploy.module.lif_adex import LIFAdEx as LIFAdEx
from snn_deploy.module.lif_adex import LIFAdExCell as LIFAdExCell
from snn_deploy.module.lif_adex import LIFAdExRecurrent as LIFAdExRecurrent
from snn_deploy.module.lif_adex import LIFAdExRecurrentCell as LIFAdExRecurrentCell
from snn_deploy.module.lif_adex_refrac import LIFAdExRefracCell as LIFAdExRefracCell
from snn_deploy.module.lif_adex_refrac import LIFAdExRefracRecurrent as LIFAdExRefracRecurrent
from snn_deploy.module.lif_adex_refrac import LIFAdExRefracRecurrentCell as LIFAdExRefracRecurrentCell
from snn_deploy.module.lif_box import LIFBoxCell as LIFBoxCell
from snn_deploy.module.lif_correlation import LIFCorrelation as LIFCorrelation
from snn_deploy.module.lif_ex import LIFEx as LIFEx
from snn_deploy.module.lif_ex import LIFExCell as LIFExCell
from snn_deploy.module.lif_ex import LIFExRecurrent as LIFExRecurrent
from snn_deploy.module.lif_ex import LIFExRecurrentCell as LIFExRecurrentCell
from snn_deploy.module.lif_mc import LIFMCRecurrentCell as LIFMCRecurrentCell
from snn_deploy.module.lif_mc_refrac import LIFMCRefracRecurrentCell as LIFMCRefracRecurrentCell
from snn_deploy.module.lif_refrac import LIFRefracCell as LIFRefracCell
from snn_deploy.module.lif_refrac import LIFRefracRecurrent as LIFRefracRecurrent
from snn_deploy.module.lif_refrac import LIFRefracRecurrentCell as LIFRefracRecurrentCell
from snn_deploy.module.lift import Lift as Lift
from snn_deploy.module.lsnn import LSNN as LSNN
from snn_deploy.module.lsnn import LSNNCell as LSNNCell
from snn_deploy.module.lsnn import LSNNRecurrent as LSNNRecurrent
from snn_deploy.module.lsnn import LSNNRecurrentCell as LSNNRecurrentCell
from snn_deploy.module.receptive_field import (
    ParameterizedSpatialReceptiveField2d as ParameterizedSpatialReceptiveField2d,
)
from snn_deploy.module.receptive_field import SampledSpatialReceptiveField2d as SampledSpatialReceptiveField2d
from snn_deploy.module.receptive_field import SpatialReceptiveField2d as SpatialReceptiveField2d
from snn_deploy.module.receptive_field import TemporalReceptiveField as TemporalReceptiveField
from snn_deploy.module.recurrent_sequential import RecurrentSequential as RecurrentSequential
from snn_deploy.module.recurrent_sequential import RecurrentSequentialState as RecurrentSequentialState
from snn_deploy.module.regularization import RegularizationCell as RegularizationCell
from snn_deploy.module.sequential import SequentialState as SequentialState
from snn_deploy.module.spikes_to_times_decoder import SpikesToTimesDecoder as SpikesToTimesDecoder

__all__ = [name for name in dir() if not name.startswith("_")]
