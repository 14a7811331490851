"""Pure step functions of the neuron models: tensors and NamedTuples in, new tensors out; the names
of each model's functional file listed in :mod:`snn_deploy.registry`."""

from snn_deploy.registry import MODELS, names_of

_exports = names_of(__name__, ((model.name, model.functional + model.functional_only) for model in MODELS))
globals().update(_exports)

__all__ = sorted(_exports)
