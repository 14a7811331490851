"""The classes and NamedTuples added for norse 1.1 users exist with norse's names, fields and
positional constructor arguments (taken from norse 1.1 with ``inspect``)."""

import inspect

import pytest
from torch import nn

import snn_deploy as snn

# norse 1.1 NamedTuple fields, in order
NORSE_FIELDS = {
    "RecurrentSequentialState": ("cache", "state"),
    "LIFBoxParameters": ("tau_mem_inv", "v_leak", "v_th", "v_reset", "method", "alpha", "reset_method"),
    "LIFBoxState": ("z", "v"),
    "LIFBoxFeedForwardState": ("v",),
    "LIBoxParameters": ("tau_mem_inv", "v_leak"),
    "LIBoxState": ("v",),
    "IAFParameters": ("v_th", "v_reset", "method", "alpha"),
    "IAFState": ("z", "v"),
    "IAFFeedForwardState": ("v",),
    "LIFAdExRefracParameters": ("lif_adex", "rho_reset"),
    "LIFAdExRefracState": ("lif_adex", "rho"),
    "LIFAdExRefracFeedForwardState": ("lif_adex", "rho"),
    "CobaLIFFeedForwardState": ("v", "g_e", "g_i"),
}

# norse 1.1 constructor arguments before its **kwargs, in order
NORSE_ARGUMENTS = {
    "LIFBoxCell": ("p", "dt"),
    "LIBoxCell": ("p",),
    "IAFCell": ("p", "dt"),
    "IAF": ("p", "dt"),
    "LIFRefracRecurrent": ("input_size", "hidden_size", "p"),
    "LIFAdExRefracCell": ("p",),
    "LIFAdExRefracRecurrent": ("input_size", "hidden_size", "p"),
    "LIFAdExRefracRecurrentCell": ("input_size", "hidden_size", "p"),
    "ExpFilter": ("input_size", "output_size", "tau_filter_inv", "dt", "input_weights", "bias"),
    "PoissonEncoderStep": ("f_max", "dt"),
    "SignedPoissonEncoderStep": ("f_max", "dt"),
    "RecurrentSequential": ("modules",),
    "SpikesToTimesDecoder": ("spike_count", "convert_indices_to_times", "dt"),
    "SpatialReceptiveField2d": ("in_channels", "size", "rf_parameters", "aggregate", "domain", "optimize_fields"),
    "ParameterizedSpatialReceptiveField2d": (
        "in_channels",
        "size",
        "scales",
        "angles",
        "ratios",
        "derivatives",
        "optimize_scales",
        "optimize_angles",
        "optimize_ratios",
    ),
    "SampledSpatialReceptiveField2d": (
        "in_channels",
        "size",
        "scales",
        "angles",
        "ratios",
        "derivatives",
        "optimize_scales",
        "optimize_angles",
        "optimize_ratios",
    ),
    "TemporalReceptiveField": (
        "shape",
        "n_scales",
        "activation",
        "activation_state_map",
        "min_scale",
        "max_scale",
        "c",
        "time_constants",
        "dt",
    ),
}


@pytest.mark.parametrize("name", sorted(NORSE_FIELDS))
def test_namedtuples_have_norse_fields(name):
    assert getattr(snn, name)._fields == NORSE_FIELDS[name]


@pytest.mark.parametrize("name", sorted(NORSE_ARGUMENTS))
def test_classes_take_norse_arguments_in_norse_order(name):
    cls = getattr(snn, name)
    parameters = [p for p in inspect.signature(cls).parameters.values() if p.kind != p.VAR_KEYWORD]
    names = tuple(p.name for p in parameters if p.kind in (p.POSITIONAL_OR_KEYWORD, p.VAR_POSITIONAL))
    assert names[: len(NORSE_ARGUMENTS[name])] == NORSE_ARGUMENTS[name]
    assert issubclass(cls, nn.Module)
