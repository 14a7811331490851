"""Post-process an ONNX artifact with onnxruntime's own tools and keep it a checked artifact.

* :func:`optimize`: onnxruntime's offline graph optimizations (constant folding, node fusions),
  saved so that serving skips them at load;
* :func:`quantize`: int8 weights (``dynamic``: activations quantized at run time) or int8 weights
  and activations (``static``: scales calibrated on the reference recorded at export, or on a
  given ``.npz`` whose arrays are named like the artifact's inputs).

The result keeps the float artifact's manifest and recorded eager reference, gains a
``post_processing`` entry in its options and its own figures against the float artifact in
``validation["against_float"]`` (on the recorded inputs and on fresh ones), and a new checksum.
Spikes are thresholds, so int8 moves some of them: the figures say how many.
"""

import dataclasses
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

import numpy as np

from snn_deploy.artifact.files import atomic_file, check_target
from snn_deploy.artifact.reference import REFERENCE_KEY, decode
from snn_deploy.errors import ArtifactError, InputError
from snn_deploy.extras import require
from snn_deploy.formats import ONNX, ArtifactFile, open_artifact
from snn_deploy.formats.onnx_file import with_metadata
from snn_deploy.manifest import MANIFEST_KEY, Manifest
from snn_deploy.runtime.backend import open_backend
from snn_deploy.runtime.signature import Signature

OPTIMIZATION_LEVELS = ("basic", "extended")
QUANTIZATION_MODES = ("dynamic", "static")
FRESH_BATCH = 4


@dataclass
class PostProcessReport:
    """The written artifact, its size against the float artifact's, and per output the spike
    agreement (spike outputs) and the largest absolute deviation from the float artifact."""

    path: Path
    source_bytes: int
    file_bytes: int
    figures: Dict[str, Dict[str, Dict[str, Any]]]

    def __str__(self) -> str:
        lines = [
            f"{self.path}: {self.file_bytes:,} bytes ({self.file_bytes / self.source_bytes:.0%} of the float file)"
        ]
        for inputs, outputs in self.figures.items():
            parts = []
            for name, figure in outputs.items():
                spikes = f"spikes {100 * figure['spike_agreement']:.2f}% equal, " if figure["spikes"] else ""
                parts.append(f"{name}: {spikes}max dev {figure['max_abs']:.3g}")
            lines.append(f"against float on {inputs}: " + "; ".join(parts))
        return "\n".join(lines)


def _open_float(source: "str | os.PathLike[str]") -> ArtifactFile:
    artifact = open_artifact(source)
    if artifact.format is not ONNX or artifact.manifest is None:
        raise ArtifactError(f"{source}: post-processing applies to ONNX artifacts written by snn_deploy")
    return artifact


def _feeds(signature: Signature, arrays: Dict[str, np.ndarray], what: str) -> List[np.ndarray]:
    missing = [name for name in signature.input_names if name not in arrays]
    if missing:
        raise InputError(f"{what}: no arrays named {missing} (the artifact's inputs: {signature.input_names})")
    return [np.ascontiguousarray(arrays[name], dtype=port_dtype) for name, port_dtype in _dtypes(signature)]


def _dtypes(signature: Signature) -> List[Any]:
    ports = [signature.input] + [state.port for state in signature.states]
    return [(port.name, np.dtype(port.dtype)) for port in ports]


def _fresh_inputs(signature: Signature, manifest: Manifest, seed: int) -> Dict[str, np.ndarray]:
    """Inputs drawn like the export's validation inputs, from the initial state."""
    rng = np.random.default_rng(seed)
    dist = manifest.validation.get("input_distribution") or {"kind": "normal", "mean": 0.0, "std": 1.0}
    shape = signature.input.with_batch(FRESH_BATCH)
    if dist.get("kind") == "bernoulli":
        x = (rng.random(shape) < float(dist.get("rate", 0.5))).astype(signature.input.dtype)
    else:
        x = (float(dist.get("mean", 0.0)) + float(dist.get("std", 1.0)) * rng.standard_normal(shape)).astype(
            signature.input.dtype
        )
    arrays = {signature.input.name: x}
    arrays.update({state.port.name: state.initial(FRESH_BATCH) for state in signature.states})
    return arrays


def _deviation(actual: np.ndarray, expected: np.ndarray) -> Dict[str, Any]:
    spikes = bool(np.isin(expected, (0, 1)).all())
    figure: Dict[str, Any] = {"spikes": spikes, "max_abs": float(np.max(np.abs(actual - expected), initial=0.0))}
    if spikes:
        figure["spike_agreement"] = float(np.mean(actual == expected)) if expected.size else 1.0
    return figure


def _compare(float_file: ArtifactFile, candidate: Path, calls: Dict[str, Dict[str, np.ndarray]]) -> Dict[str, Any]:
    reference = open_backend(float_file, "cpu", None, None, False)
    processed = open_backend(open_artifact(candidate), "cpu", None, None, False)
    figures = {}
    for what, arrays in calls.items():
        feeds = _feeds(reference.signature, arrays, what)
        expected = reference.run(feeds, None)
        actual = processed.run(feeds, None)
        names = reference.signature.output_names
        figures[what] = {name: _deviation(a, e) for name, a, e in zip(names, actual, expected)}
    return figures


def _write(
    float_file: ArtifactFile,
    target: "str | os.PathLike[str]",
    overwrite: bool,
    produce: Callable[[Path, Path], None],
    step: Dict[str, Any],
    seed: int,
) -> PostProcessReport:
    """Run ``produce(float path, output path)``, sign the result with the updated manifest, compare
    it with the float artifact and place it at ``target``."""
    target = check_target(target, overwrite)
    manifest = float_file.manifest
    assert manifest is not None
    calls = {
        "fresh inputs": _fresh_inputs(open_backend(float_file, "cpu", None, None, False).signature, manifest, seed)
    }
    if REFERENCE_KEY in float_file.extras:
        calls = {"recorded inputs": decode(float_file.extras[REFERENCE_KEY]), **calls}
    options = dict(manifest.options, post_processing=[*manifest.options.get("post_processing", []), step])
    extras = {key: value for key, value in float_file.extras.items() if key == REFERENCE_KEY}
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=f".{target.name}.") as folder:
        produced = Path(folder) / "produced.onnx"
        produce(Path(float_file.path), produced)
        data = produced.read_bytes()
    with atomic_file(target, overwrite) as written:
        updated = dataclasses.replace(manifest, options=options)
        written.write_bytes(with_metadata(data, {**extras, MANIFEST_KEY: updated.to_json()}))
        figures = _compare(float_file, written, calls)
        validation = dict(manifest.validation, against_float=figures)
        final = dataclasses.replace(updated, validation=validation)
        written.write_bytes(with_metadata(data, {**extras, MANIFEST_KEY: final.to_json()}))
    return PostProcessReport(target, float_file.file_bytes, target.stat().st_size, figures)


def optimize(
    source: "str | os.PathLike[str]",
    target: "str | os.PathLike[str]",
    level: str = "extended",
    overwrite: bool = False,
    seed: int = 0,
) -> PostProcessReport:
    """Save the artifact after onnxruntime's ``basic`` or ``extended`` graph optimizations (the
    ``all`` level adds layout changes for the CPU it runs on, not portable, so it is not offered)."""
    import onnxruntime

    if level not in OPTIMIZATION_LEVELS:
        raise InputError(f"optimization level {level!r}: use one of {', '.join(OPTIMIZATION_LEVELS)}")
    float_file = _open_float(source)

    def produce(path: Path, output: Path) -> None:
        options = onnxruntime.SessionOptions()
        options.graph_optimization_level = {
            "basic": onnxruntime.GraphOptimizationLevel.ORT_ENABLE_BASIC,
            "extended": onnxruntime.GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
        }[level]
        options.optimized_model_filepath = str(output)
        options.log_severity_level = 3
        onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])

    step = {"step": "optimize", "level": level, "onnxruntime": onnxruntime.__version__}
    return _write(float_file, target, overwrite, produce, step, seed)


class _Calibration:
    """onnxruntime's ``CalibrationDataReader``: the given feeds, once each."""

    def __init__(self, calls: List[Dict[str, np.ndarray]]):
        self._calls = iter(calls)

    def get_next(self) -> Optional[Dict[str, np.ndarray]]:
        return next(self._calls, None)


def quantize(
    source: "str | os.PathLike[str]",
    target: "str | os.PathLike[str]",
    mode: str = "dynamic",
    calibration: "str | os.PathLike[str] | None" = None,
    overwrite: bool = False,
    seed: int = 0,
) -> PostProcessReport:
    """Save the artifact with 8-bit weights (``dynamic``: uint8) or int8 weights and activations
    (``static``, calibrated on the recorded reference or on ``calibration``, an ``.npz`` of
    arrays named like the inputs). Needs the ``onnx`` package (the ``torch`` extra)."""
    require("onnx", "snn-deploy quantize (onnxruntime's quantization tools)")
    import onnxruntime
    from onnxruntime import quantization

    if mode not in QUANTIZATION_MODES:
        raise InputError(f"quantization mode {mode!r}: use one of {', '.join(QUANTIZATION_MODES)}")
    float_file = _open_float(source)
    signature = open_backend(float_file, "cpu", None, None, False).signature
    calls: List[Dict[str, np.ndarray]] = []
    if mode == "static":
        arrays = _calibration_arrays(float_file, calibration)
        calls = [dict(zip(signature.input_names, _feeds(signature, arrays, "calibration")))]

    def produce(path: Path, output: Path) -> None:
        preprocessed = output.with_name("preprocessed.onnx")
        quantization.quant_pre_process(str(path), str(preprocessed), skip_symbolic_shape=True)
        if mode == "dynamic":
            # uint8 weights: onnxruntime's uint8 x int8 kernel on x86 CPUs without VNNI sums pairs of
            # products in saturating int16 (VPMADDUBSW) and returns wrong currents; uint8 x uint8 is
            # exact on every CPU, so the artifact agrees wherever it is served.
            quantization.quantize_dynamic(
                preprocessed,
                output,
                op_types_to_quantize=["Conv", "MatMul"],  # the weighted ops (it turns Gemm into MatMul)
                per_channel=False,
                reduce_range=False,
                weight_type=quantization.QuantType.QUInt8,
            )
        else:
            quantization.quantize_static(preprocessed, output, _Calibration(calls))

    step = {"step": "quantize", "mode": mode, "onnxruntime": onnxruntime.__version__}
    if mode == "static":
        step["calibration"] = os.fspath(calibration) if calibration is not None else "recorded reference"
    return _write(float_file, target, overwrite, produce, step, seed)


def _calibration_arrays(float_file: ArtifactFile, calibration: "str | os.PathLike[str] | None") -> Dict[str, Any]:
    if calibration is None:
        if REFERENCE_KEY not in float_file.extras:
            raise ArtifactError(f"{float_file.path}: records no reference to calibrate on; pass a calibration .npz")
        return decode(float_file.extras[REFERENCE_KEY])
    try:
        with np.load(calibration, allow_pickle=False) as archive:
            return {name: archive[name] for name in archive.files}
    except (OSError, ValueError) as error:
        raise InputError(f"cannot read calibration data {calibration}: {error}") from None
