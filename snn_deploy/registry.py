"""The one table of the package's models: for each, the file that holds it in
``snn_deploy/functional/`` and ``snn_deploy/module/`` and the public names it gives.

``snn_deploy`` (:mod:`snn_deploy.api`) exports each entry's ``modules`` and ``functional`` names
(as ``norse.torch`` re-exports its functional names) and ``top_level_only`` names;
``snn_deploy.functional`` its ``functional`` and ``functional_only`` names. Adding a neuron model is its functional file, its module file,
one entry here and its tests (``tests/cases_<model>.py`` and its known answers).
"""

import importlib
from dataclasses import dataclass
from typing import Any, Dict, Iterable, Tuple


@dataclass(frozen=True)
class Model:
    """``name``: the file ``snn_deploy/functional/<name>.py`` and/or ``snn_deploy/module/<name>.py``;
    ``modules``: the classes of its module file; ``functional``: the names of its functional file in
    ``snn_deploy`` and ``snn_deploy.functional``; ``functional_only``, ``top_level_only``: names of
    its functional file in only one of them."""

    name: str
    modules: Tuple[str, ...] = ()
    functional: Tuple[str, ...] = ()
    functional_only: Tuple[str, ...] = ()
    top_level_only: Tuple[str, ...] = ()


MODELS = (
    Model(
        "coba_lif",
        modules=("CobaLIFCell",),
        functional=(
            "CobaLIFFeedForwardState",
            "CobaLIFParameters",
            "CobaLIFState",
            "coba_lif_feed_forward_step",
            "coba_lif_step",
        ),
    ),
    Model("conv", modules=("LConv2d",)),
    Model(
        "correlation_sensor",
        functional=(
            "CorrelationSensorParameters",
            "CorrelationSensorState",
            "correlation_based_update",
            "correlation_sensor_step",
        ),
    ),
    Model("custom_neuron", modules=("SNN", "SNNCell", "SNNRecurrent", "SNNRecurrentCell")),
    Model(
        "encode",
        modules=(
            "ConstantCurrentLIFEncoder",
            "PoissonEncoder",
            "PopulationEncoder",
            "SignedPoissonEncoder",
            "SpikeLatencyEncoder",
            "SpikeLatencyLIFEncoder",
        ),
        functional=(
            "constant_current_lif_encode",
            "euclidean_distance",
            "gaussian_rbf",
            "poisson_encode",
            "poisson_encode_step",
            "population_encode",
            "signed_poisson_encode",
            "signed_poisson_encode_step",
            "spike_latency_encode",
            "spike_latency_lif_encode",
        ),
    ),
    Model("encode_step", modules=("PoissonEncoderStep", "SignedPoissonEncoderStep")),
    Model("exp_filter", modules=("ExpFilter",)),
    Model("filter", functional_only=("exp_filter_step",)),
    Model(
        "iaf",
        modules=("IAF", "IAFCell"),
        functional=("IAFFeedForwardState", "IAFParameters", "IAFState", "iaf_feed_forward_step", "iaf_step"),
    ),
    Model(
        "izhikevich",
        modules=("Izhikevich", "IzhikevichCell", "IzhikevichRecurrent", "IzhikevichRecurrentCell"),
        functional=(
            "IzhikevichParameters",
            "IzhikevichRecurrentState",
            "IzhikevichSpikingBehavior",
            "IzhikevichState",
            "create_izhikevich_spiking_behavior",
            "izhikevich_feed_forward_step",
            "izhikevich_recurrent_step",
        ),
        functional_only=(
            "izhikevich_projected_step",
            "accomodation_p",
            "bistability_p",
            "class_1_exc_p",
            "class_2_exc_p",
            "dap_p",
            "inhibition_induced_bursting_p",
            "inhibition_induced_spiking_p",
            "integrator_p",
            "mixed_mode_p",
            "phasic_bursting_p",
            "phasic_spiking_p",
            "rebound_burst_p",
            "rebound_spike_p",
            "resonator_p",
            "spike_frequency_adaptation_p",
            "spike_latency_p",
            "subthreshold_oscillation_p",
            "threshold_variability_p",
            "tonic_bursting_p",
            "tonic_spiking_p",
        ),
        top_level_only=(
            "accomodation",
            "bistability",
            "class_1_exc",
            "class_2_exc",
            "dap",
            "inhibition_induced_bursting",
            "inhibition_induced_spiking",
            "integrator",
            "mixed_mode",
            "phasic_bursting",
            "phasic_spiking",
            "rebound_burst",
            "rebound_spike",
            "resonator",
            "spike_frequency_adaptation",
            "spike_latency",
            "subthreshold_oscillation",
            "threshold_variability",
            "tonic_bursting",
            "tonic_spiking",
        ),
    ),
    Model(
        "leaky_integrator",
        modules=("LI", "LICell", "LILinearCell"),
        functional=("LIParameters", "LIState", "li_feed_forward_step", "li_step"),
    ),
    Model(
        "leaky_integrator_box",
        modules=("LIBoxCell",),
        functional=("LIBoxParameters", "LIBoxState", "li_box_feed_forward_step", "li_box_step"),
    ),
    Model(
        "lif",
        modules=("LIF", "LIFCell", "LIFRecurrent", "LIFRecurrentCell"),
        functional=(
            "LIFFeedForwardState",
            "LIFParameters",
            "LIFState",
            "lif_current_encoder",
            "lif_feed_forward_step",
            "lif_step",
        ),
        functional_only=(
            "default_bio_initial_state",
            "default_bio_parameters",
            "lif_feed_forward_integral",
            "lif_feed_forward_step_sparse",
            "lif_integrate",
            "lif_projected_step",
            "lif_step_integral",
            "lif_step_sparse",
            "projected_recurrent_current",
            "recurrent_current",
        ),
    ),
    Model(
        "lif_adex",
        modules=("LIFAdEx", "LIFAdExCell", "LIFAdExRecurrent", "LIFAdExRecurrentCell"),
        functional=(
            "LIFAdExFeedForwardState",
            "LIFAdExParameters",
            "LIFAdExState",
            "lif_adex_current_encoder",
            "lif_adex_feed_forward_step",
            "lif_adex_step",
        ),
        functional_only=("lif_adex_projected_step",),
    ),
    Model(
        "lif_adex_refrac",
        modules=("LIFAdExRefracCell", "LIFAdExRefracRecurrent", "LIFAdExRefracRecurrentCell"),
        functional=("LIFAdExRefracFeedForwardState", "LIFAdExRefracParameters", "LIFAdExRefracState"),
        functional_only=("lif_adex_refrac_feed_forward_step", "lif_adex_refrac_step"),
    ),
    Model(
        "lif_box",
        modules=("LIFBoxCell",),
        functional=("LIFBoxFeedForwardState", "LIFBoxParameters", "LIFBoxState", "lif_box_feed_forward_step"),
    ),
    Model(
        "lif_correlation",
        modules=("LIFCorrelation",),
        functional=("LIFCorrelationParameters", "LIFCorrelationState", "lif_correlation_step"),
    ),
    Model(
        "lif_ex",
        modules=("LIFEx", "LIFExCell", "LIFExRecurrent", "LIFExRecurrentCell"),
        functional=(
            "LIFExFeedForwardState",
            "LIFExParameters",
            "LIFExState",
            "lif_ex_current_encoder",
            "lif_ex_feed_forward_step",
            "lif_ex_step",
        ),
        functional_only=("lif_ex_projected_step",),
    ),
    Model("lif_mc", modules=("LIFMCRecurrentCell",), functional=("lif_mc_feed_forward_step", "lif_mc_step")),
    Model(
        "lif_mc_refrac",
        modules=("LIFMCRefracRecurrentCell",),
        functional=("lif_mc_refrac_feed_forward_step", "lif_mc_refrac_step"),
    ),
    Model(
        "lif_refrac",
        modules=("LIFRefracCell", "LIFRefracRecurrent", "LIFRefracRecurrentCell"),
        functional=(
            "LIFRefracFeedForwardState",
            "LIFRefracParameters",
            "LIFRefracState",
            "lif_refrac_feed_forward_step",
            "lif_refrac_step",
        ),
        functional_only=("compute_refractory_update", "lif_refrac_step_sparse"),
    ),
    Model("lift", modules=("Lift",), functional=("lift",)),
    Model(
        "lsnn",
        modules=("LSNN", "LSNNCell", "LSNNRecurrent", "LSNNRecurrentCell"),
        functional=("LSNNFeedForwardState", "LSNNParameters", "LSNNState", "lsnn_feed_forward_step", "lsnn_step"),
        functional_only=("ada_lif_step", "lsnn_projected_step"),
    ),
    Model(
        "receptive_field",
        modules=(
            "ParameterizedSpatialReceptiveField2d",
            "SampledSpatialReceptiveField2d",
            "SpatialReceptiveField2d",
            "TemporalReceptiveField",
        ),
        functional=("gaussian_kernel", "spatial_receptive_field", "spatial_receptive_fields_with_derivatives"),
        functional_only=(
            "calculate_normalization",
            "covariance_matrix",
            "derive_kernel",
            "derive_spatial_receptive_field",
            "derive_spatial_receptive_field_single",
            "spatial_parameters",
            "spatio_temporal_parameters",
            "temporal_scale_distribution",
        ),
    ),
    Model("recurrent_sequential", modules=("RecurrentSequential", "RecurrentSequentialState")),
    Model(
        "regularization",
        modules=("RegularizationCell",),
        functional=("regularize_step", "spike_accumulator", "voltage_accumulator"),
        functional_only=("Accumulator",),
    ),
    Model(
        "logical",
        functional=("logical_and", "logical_or", "logical_xor"),
        functional_only=("muller_c", "posedge_detector"),
    ),
    Model("decode", functional_only=("sum_decode",)),
    Model("stdp", functional_only=("STDPParameters", "STDPState", "stdp_step_conv2d", "stdp_step_linear")),
    Model("stdp_sensor", functional=("STDPSensorParameters", "STDPSensorState", "stdp_sensor_step")),
    Model("tsodyks_makram", functional=("TsodyksMakramParameters", "TsodyksMakramState", "stp_step")),
    Model("superspike", functional_only=("SuperSpike",)),
    Model(
        "autograd_surrogates",
        functional_only=("CircDist", "HeaviCirc", "HeaviErfc", "HeaviTanh", "Logistic", "Triangle"),
    ),
    Model("reset", functional=("ResetMethod", "reset_subtract", "reset_value")),
    Model("sequential", modules=("SequentialState",)),
    Model(
        "spikes_to_times_decoder",
        modules=("SpikesToTimesDecoder",),
        functional_only=("ToSpikeTimes", "spikes_to_times"),
    ),
    Model(
        "threshold",
        functional=("heaviside",),
        functional_only=("THRESHOLD_METHODS", "sign", "surrogate_derivative", "threshold", "threshold_crossing"),
    ),
    Model(
        "threshold_functions",
        functional=(
            "circ_dist_fn",
            "heavi_circ_fn",
            "heavi_erfc_fn",
            "heavi_tanh_fn",
            "logistic_fn",
            "super_fn",
            "triangle_fn",
        ),
    ),
)


def names_of(package: str, file_names: Iterable[Tuple[str, Tuple[str, ...]]]) -> Dict[str, Any]:
    """``{name: value}`` of the given names of ``<package>.<file>`` for each ``(file, names)``
    (a file with no names is not imported)."""
    exports: Dict[str, Any] = {}
    for file, names in file_names:
        if not names:
            continue
        source = importlib.import_module(f"{package}.{file}")
        exports.update((name, getattr(source, name)) for name in names)
    return exports
