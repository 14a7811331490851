"""Train (unless checkpointed), export, validate and evaluate one example network end to end.

Every artifact is evaluated through ``snn_deploy.runtime`` on the whole test split, and its
predictions are compared one by one with the eager model's. The float formats must predict exactly
as eager; the int8 artifacts (the ONNX sequence artifact quantized by ``snn-deploy quantize``)
move some spikes, so their rows state the measured agreement instead.
"""

import time
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Callable, List, Optional, Tuple

import numpy as np
import torch
from torch import nn

from export_examples import training
from export_examples.digits import DigitsSplit
from export_examples.serve import streamed_scores
from snn_deploy import export, runtime
from snn_deploy.readout import class_scores
from snn_deploy.runtime.post_processing import QUANTIZATION_MODES, quantize

EVAL_BATCH = 128


@dataclass(frozen=True)
class ArtifactPlan:
    """One artifact of an example: its file name, format, mode and exporter."""

    file_name: str
    format: str
    mode: str
    exporter: Callable


PLANS = [
    ArtifactPlan("model.onnx", "onnx", "sequence", export.to_onnx),
    ArtifactPlan("model_step.onnx", "onnx", "step", export.to_onnx),
    ArtifactPlan("model.ts", "torchscript", "sequence", export.to_torchscript),
    ArtifactPlan("model.pt2", "pt2", "sequence", export.to_pt2),
]


@dataclass
class ArtifactRow:
    """One line of the summary table."""

    example: str
    format: str
    mode: str
    path: Optional[Path]
    file_bytes: int
    export_seconds: float
    max_deviation: float  # float formats: from eager; int8: from the float ONNX artifact
    accuracy: float
    eager_agreement: float  # the share of test predictions equal to eager's
    held_to_eager: bool  # float formats must predict exactly as eager; int8 rows state their agreement
    spike_agreement: Optional[float] = None  # int8: spikes equal to the float artifact's (None: no spike output)


def runtime_predictions(session: "runtime.Session", inputs: np.ndarray, mode: str, readout: str) -> np.ndarray:
    """Classes predicted through the runtime: a whole-sequence run per batch, or (step artifacts)
    one time step at a time through a stream."""
    predictions = []
    for start in range(0, inputs.shape[1], EVAL_BATCH):
        batch = inputs[:, start : start + EVAL_BATCH]
        if mode == "sequence":
            scores = class_scores(session.run(batch)[0], readout)
        else:
            stream = session.stream(batch.shape[1])
            scores = streamed_scores((stream.step(x_t) for x_t in batch), readout)
        predictions.append(scores.argmax(axis=1))
    return np.concatenate(predictions)


def max_deviation(report: "export.ExportReport") -> float:
    """The largest absolute deviation from eager over every validated output and state."""
    outputs = report.validation.get("outputs", {})
    values = outputs.values() if isinstance(outputs, dict) else outputs
    return max((float(item.get("max_abs", 0.0)) for item in values), default=0.0)


def trained_model(
    example: ModuleType, split: DigitsSplit, checkpoint: Path, epochs: int, progress: bool
) -> Tuple[nn.Module, float]:
    """The example's model from its checkpoint, or trained now (and checkpointed); with the
    training time in seconds (0 when loaded)."""
    if checkpoint.exists():
        model = example.build_model()
        model.load_state_dict(torch.load(checkpoint, weights_only=True))
        return model.eval(), 0.0
    start = time.perf_counter()
    model = training.train(example, split, checkpoint, epochs, progress)
    return model.eval(), time.perf_counter() - start


def run_example(example: ModuleType, model: nn.Module, split: DigitsSplit, artifacts: Path) -> List[ArtifactRow]:
    """Export every planned artifact of the trained ``model`` and evaluate each through the runtime."""
    test_inputs = example.encode(torch.from_numpy(split.test_images))
    eager = training.predict(model, test_inputs, example.READOUT).numpy()
    target = artifacts / example.NAME
    target.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        target / "test_set.npz", inputs=test_inputs.numpy(), labels=split.test_labels, readout=example.READOUT
    )
    rows = []
    for plan in PLANS:
        example_input = test_inputs[:, :8] if plan.mode == "sequence" else test_inputs[0, :8]
        report = plan.exporter(model, example_input, target / plan.file_name, step=plan.mode == "step", overwrite=True)
        session = runtime.load(report.path, trusted=True)  # written by this process just now
        predicted = runtime_predictions(session, test_inputs.numpy(), plan.mode, example.READOUT)
        rows.append(
            ArtifactRow(
                example.NAME,
                plan.format,
                plan.mode,
                report.path,
                report.file_bytes,
                report.export_seconds,
                max_deviation(report),
                training.accuracy(predicted, split.test_labels),
                float(np.mean(predicted == eager)),
                True,
            )
        )
    float_onnx = target / next(plan.file_name for plan in PLANS if plan.format == "onnx" and plan.mode == "sequence")
    rows += [
        int8_row(example, float_onnx, mode, test_inputs.numpy(), eager, split.test_labels)
        for mode in QUANTIZATION_MODES
    ]
    eager_row = ArtifactRow(
        example.NAME, "eager", "sequence", None, 0, 0.0, 0.0, training.accuracy(eager, split.test_labels), 1.0, True
    )
    return [eager_row] + rows


def int8_row(
    example: ModuleType, float_onnx: Path, mode: str, inputs: np.ndarray, eager: np.ndarray, labels: np.ndarray
) -> ArtifactRow:
    """The float ONNX sequence artifact quantized to int8 (``dynamic``: weights; ``static``: weights and
    activations, calibrated on the artifact's recorded reference), evaluated through the runtime. Its
    deviation and spike agreement are the quantization report's, against the float artifact on the
    recorded and on fresh inputs (the worst of every output)."""
    start = time.perf_counter()
    report = quantize(float_onnx, float_onnx.with_name(f"model_int8_{mode}.onnx"), mode=mode, overwrite=True)
    seconds = time.perf_counter() - start
    predicted = runtime_predictions(runtime.load(report.path), inputs, "sequence", example.READOUT)
    figures = [figure for outputs in report.figures.values() for figure in outputs.values()]
    spikes = [float(figure["spike_agreement"]) for figure in figures if figure["spikes"]]
    return ArtifactRow(
        example.NAME,
        f"onnx int8 {mode}",
        "sequence",
        report.path,
        report.file_bytes,
        seconds,
        max(float(figure["max_abs"]) for figure in figures),
        training.accuracy(predicted, labels),
        float(np.mean(predicted == eager)),
        False,
        min(spikes, default=None),
    )
