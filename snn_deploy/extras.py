"""Optional dependencies: the serving install has numpy and onnxruntime only; torch, onnx and
the exporter come with the ``torch`` extra (``pip install 'snn_deploy[torch]'``)."""

import importlib.util

from snn_deploy.errors import MissingDependencyError

EXTRA = "torch"
INSTALL = f"pip install 'snn_deploy[{EXTRA}]'"


def require(package: str, purpose: str) -> None:
    """Raise :class:`MissingDependencyError` naming the extra to install if ``package`` is missing."""
    if importlib.util.find_spec(package) is None:
        raise MissingDependencyError(
            f"{purpose} needs the {package!r} package, which this install lacks (the serving install "
            f"has numpy and onnxruntime only); install the '{EXTRA}' extra: {INSTALL}"
        )
