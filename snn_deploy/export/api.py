"""``to_onnx``, ``to_torchscript``, ``to_pt2`` and ``export``: describe, export, validate, write.

The example input is one call of the artifact: ``(T, B, ...)`` in sequence mode (``(B, ...)`` for
an encoder, which makes the ``T`` steps itself), ``(B, ...)`` in step mode, for cells and
sequence models alike. Its batch size is free (the artifact's batch axis is dynamic); its
values set the distribution of the fresh validation inputs.
"""

import os
import time
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, Dict, Optional

import onnx
import torch
from torch import Tensor, nn

from snn_deploy import formats, runtime
from snn_deploy.artifact.compare import summary
from snn_deploy.artifact.files import atomic_file, check_target
from snn_deploy.artifact.reference import REFERENCE_KEY, encode
from snn_deploy.errors import ArtifactError, ExportError
from snn_deploy.export import aoti_format, onnx_format, pt2_format, torchscript_format
from snn_deploy.export.describe import describe
from snn_deploy.export.metadata import manifest_for
from snn_deploy.export.validation import validate as validate_against_eager
from snn_deploy.manifest import MANIFEST_KEY, Manifest

# The writer of each format of snn_deploy.formats.
WRITERS: Dict[str, ModuleType] = {
    formats.ONNX.name: onnx_format,
    formats.TORCHSCRIPT.name: torchscript_format,
    formats.PT2.name: pt2_format,
    formats.AOTI.name: aoti_format,
}


@dataclass
class ExportReport:
    """The written artifact: its manifest (with the validation summary), the time spent
    exporting (without validation) and validating, and its size."""

    path: Path
    manifest: Manifest
    export_seconds: float
    validation_seconds: float
    file_bytes: int

    @property
    def validation(self) -> Dict[str, Any]:
        return self.manifest.validation

    def __str__(self) -> str:
        m = self.manifest
        lines = [
            f"{self.path}: {m.format} {m.mode} artifact"
            + (f", T={m.time_steps}" if m.time_steps else "")
            + f", {self.file_bytes} bytes, exported in {self.export_seconds:.2f} s"
        ]
        if self.validation:
            lines.append(
                f"validated in {self.validation_seconds:.2f} s at batch {self.validation['batch']}: "
                + "; ".join(summary(self.validation["outputs"]))
            )
        return "\n".join(lines)


def _export(
    format_name: str,
    model: nn.Module,
    example_input: Tensor,
    path: "os.PathLike[str] | str",
    step: bool,
    validate: bool,
    overwrite: bool,
    seed: int,
    build_options: Dict[str, Any],
) -> ExportReport:
    target = check_target(path, overwrite)
    writer = WRITERS[format_name]
    if not isinstance(model, nn.Module):
        raise ExportError(f"expected a torch.nn.Module to export, got {type(model).__name__}")
    training = model.training
    start = time.perf_counter()
    try:
        model.eval()
        with torch.no_grad():
            signature = describe(model, example_input, step)
            built = writer.build(signature, **build_options)
        options = dict(build_options)
        versions = {}
        if format_name == formats.ONNX.name:
            options["opset"] = onnx_format.opset_of(built)
            versions["onnx"] = onnx.__version__
        manifest = manifest_for(signature, format_name, options, **versions)
        export_seconds = time.perf_counter() - start
        validation_seconds = 0.0
        with atomic_file(target, overwrite) as temporary:
            writer.save(built, temporary, {MANIFEST_KEY: manifest.to_json()})
            if validate:
                start = time.perf_counter()
                session = runtime.load(temporary, trusted=True)  # written here, in a private folder
                batch = max(example_input.shape[signature.input_batch_axis], 2) + 1
                manifest.validation, recorded = validate_against_eager(session, signature, example_input, batch, seed)
                del session
                validation_seconds = time.perf_counter() - start
                extras = {MANIFEST_KEY: manifest.to_json(), REFERENCE_KEY: encode(recorded)}
                writer.save(built, temporary, extras)
    finally:
        model.train(training)
    return ExportReport(target, manifest, export_seconds, validation_seconds, target.stat().st_size)


def to_onnx(
    model: nn.Module,
    example_input: Tensor,
    path: "os.PathLike[str] | str",
    *,
    step: bool = False,
    opset: Optional[int] = None,
    validate: bool = True,
    overwrite: bool = False,
    seed: int = 0,
) -> ExportReport:
    """Export to ONNX (``opset=None``: the exporter's default) that a stock
    ``onnxruntime.InferenceSession`` runs; the manifest is in the model's ``metadata_props``."""
    return _export("onnx", model, example_input, path, step, validate, overwrite, seed, {"opset": opset})


def to_torchscript(
    model: nn.Module,
    example_input: Tensor,
    path: "os.PathLike[str] | str",
    *,
    step: bool = False,
    validate: bool = True,
    overwrite: bool = False,
    seed: int = 0,
) -> ExportReport:
    """Export to TorchScript (``torch.jit.load`` runs it); the manifest is an extra file."""
    return _export("torchscript", model, example_input, path, step, validate, overwrite, seed, {})


def to_pt2(
    model: nn.Module,
    example_input: Tensor,
    path: "os.PathLike[str] | str",
    *,
    step: bool = False,
    aoti: bool = False,
    validate: bool = True,
    overwrite: bool = False,
    seed: int = 0,
) -> ExportReport:
    """Export with ``torch.export`` to a ``.pt2`` file (``torch.export.load`` runs it), or with
    ``aoti=True`` to an AOTInductor package (``torch._inductor.aoti_load_package``; slow to build)."""
    format_name = formats.AOTI.name if aoti else formats.PT2.name
    return _export(format_name, model, example_input, path, step, validate, overwrite, seed, {})


def export(
    model: nn.Module,
    example_input: Tensor,
    path: "os.PathLike[str] | str",
    format: Optional[str] = None,
    **options: Any,
) -> ExportReport:
    """Export in ``format`` (a name of :data:`snn_deploy.formats.FORMATS`; default: the one
    ``path``'s suffix names: ``.onnx``, ``.ts``/``.pt`` or ``.pt2``); ``options`` go to
    :func:`to_onnx`, :func:`to_torchscript` or :func:`to_pt2`. The suffix must suit the format,
    since loaders tell the format from it."""
    try:
        fmt = formats.format_of_suffix(path)
    except ArtifactError:
        raise ExportError(f"cannot tell the format of {path}: use a suffix of {', '.join(formats.SUFFIXES)}") from None
    if format is not None:
        if format not in formats.FORMATS:
            raise ExportError(f"unknown format {format!r}: use one of {', '.join(formats.FORMATS)}")
        if fmt.suffixes != formats.FORMATS[format].suffixes:
            raise ExportError(f"a {format} artifact is named {'/'.join(formats.FORMATS[format].suffixes)}, not {path}")
        fmt = formats.FORMATS[format]
    if fmt is formats.AOTI:
        return to_pt2(model, example_input, path, aoti=True, **options)
    exporters = {formats.ONNX: to_onnx, formats.TORCHSCRIPT: to_torchscript, formats.PT2: to_pt2}
    return exporters[fmt](model, example_input, path, **options)
