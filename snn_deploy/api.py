"""Every public name of ``snn_deploy`` (``import snn_deploy as snn; snn.LIF``), from the one table
of models in :mod:`snn_deploy.registry`: each model's module classes and its functional names that
``norse.torch`` re-exports (``snn.lif_step``), and :func:`~snn_deploy.compile.compile_model`.

``snn_deploy/__init__.py`` loads this module on first attribute access, so that
``snn_deploy.runtime`` can run ONNX artifacts without importing torch.
"""

from snn_deploy.compile import compile_model
from snn_deploy.registry import MODELS, names_of

_exports = names_of("snn_deploy.module", ((model.name, model.modules) for model in MODELS))
_exports.update(names_of("snn_deploy.functional", ((m.name, m.functional + m.top_level_only) for m in MODELS)))
_exports["compile_model"] = compile_model
globals().update(_exports)

__all__ = sorted(_exports)
