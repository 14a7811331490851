"""Typed errors of export, validation and runtime. Importing this module does not import torch."""


def first_line(error: BaseException) -> str:
    """The first line of ``error``'s message, or its type's name if it has none: what an error
    of snn_deploy quotes of a third-party error (torch, onnxruntime), without its traceback text."""
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


class SnnDeployError(Exception):
    """Base class of every error raised on purpose by snn_deploy."""


class ExportError(SnnDeployError, ValueError):
    """A model or call that cannot be exported (unsupported module, wrong example input, path)."""


class ValidationError(SnnDeployError, AssertionError):
    """An exported artifact does not reproduce eager PyTorch."""


class ShapeMismatchError(ValidationError):
    """An artifact output has another shape than eager's."""


class SpikeMismatchError(ValidationError):
    """Spikes of an artifact differ from eager's (they must agree exactly)."""


class ToleranceError(ValidationError):
    """A non-spike output or state differs from eager's by more than the stated tolerance."""


class ArtifactError(SnnDeployError, ValueError):
    """A file that is not a readable snn_deploy artifact (truncated, corrupted, wrong kind)."""


class UntrustedArtifactError(ArtifactError):
    """An artifact whose format is code (TorchScript, ``.pt2``, AOTInductor), opened without
    ``trusted=True`` (``--trust``): loading it could run anything the file carries."""


class MissingDependencyError(SnnDeployError, ImportError):
    """A feature that needs a package of an optional extra (torch, onnx) that is not installed."""


class IncompatibleVersionError(ArtifactError):
    """An artifact written by a newer, incompatible snn_deploy format version."""


class InputError(SnnDeployError, ValueError):
    """Input or state given to a runtime session that does not fit the artifact."""


class DeviceError(SnnDeployError, RuntimeError):
    """A device that is not available to the runtime (no CUDA, or no CUDA build of onnxruntime)."""
