"""Serve an exported example network in production style: numpy and onnxruntime only, no torch.

    python export_examples/serve.py [ARTIFACT] [--step-artifact PATH] [--test-set PATH]

Streams the test split through the artifact in batches (whole sequences), then one time step at a
time at batch size 1 through the step artifact, and reports accuracy, throughput and per-step
latency (p50/p99). Run ``make export`` first to produce the artifacts. This file imports only
numpy, ``snn_deploy.runtime`` and ``snn_deploy.readout`` (the class scores: ``max`` or ``last``).
"""

import argparse
import sys
import time
from pathlib import Path

import numpy as np

from snn_deploy import runtime
from snn_deploy.readout import class_scores

DEFAULT = Path("artifacts/conv_digits")


def streamed_scores(step_outputs, readout: str) -> np.ndarray:
    """The same scores from the ``(B, C)`` outputs of a stream's steps, in time order."""
    return class_scores(np.stack(list(step_outputs)), readout)


def batch_accuracy(
    session: "runtime.Session", inputs: np.ndarray, labels: np.ndarray, readout: str, batch_size: int
) -> dict:
    """Whole sequences, ``batch_size`` samples per call: accuracy and samples per second."""
    correct = 0
    start = time.perf_counter()
    for first in range(0, inputs.shape[1], batch_size):
        voltages, _ = session.run(inputs[:, first : first + batch_size])
        predicted = class_scores(voltages, readout).argmax(axis=1)
        correct += int((predicted == labels[first : first + batch_size]).sum())
    seconds = time.perf_counter() - start
    return {"accuracy": correct / labels.shape[0], "samples_per_s": labels.shape[0] / seconds}


def streamed_accuracy(
    session: "runtime.Session", inputs: np.ndarray, labels: np.ndarray, readout: str, samples: int
) -> dict:
    """One sample at a time, one time step per call, the state carried by the stream."""
    stream = session.stream(batch_size=1)
    latencies, correct = [], 0
    for index in range(samples):
        stream.reset()
        outputs = []
        for x_t in inputs[:, index : index + 1]:
            start = time.perf_counter()
            outputs.append(stream.step(x_t))
            latencies.append(time.perf_counter() - start)
        correct += int(streamed_scores(outputs, readout).argmax(axis=1)[0] == labels[index])
    micros = np.array(latencies) * 1e6
    return {
        "accuracy": correct / samples,
        "p50_us": float(np.percentile(micros, 50)),
        "p99_us": float(np.percentile(micros, 99)),
        "steps_per_s": len(latencies) / (micros.sum() / 1e6),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Serve an exported snn_deploy example without torch.")
    parser.add_argument("artifact", nargs="?", type=Path, default=DEFAULT / "model.onnx")
    parser.add_argument("--step-artifact", type=Path, default=None, help="default: model_step.onnx beside ARTIFACT")
    parser.add_argument("--test-set", type=Path, default=None, help="default: test_set.npz beside ARTIFACT")
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--stream-samples", type=int, default=100, help="samples to stream step by step")
    args = parser.parse_args(argv)
    folder = args.artifact.parent
    test_set = np.load(args.test_set or folder / "test_set.npz")
    inputs, labels, readout = test_set["inputs"], test_set["labels"], str(test_set["readout"])
    session = runtime.load(args.artifact)
    step_session = runtime.load(args.step_artifact or folder / "model_step.onnx")
    batch = batch_accuracy(session, inputs, labels, readout, args.batch)
    print(
        f"{args.artifact}: batches of {args.batch}: accuracy {batch['accuracy']:.2%}, {batch['samples_per_s']:.0f} samples/s"
    )
    samples = min(args.stream_samples, labels.shape[0])
    streamed = streamed_accuracy(step_session, inputs, labels, readout, samples)
    print(
        f"{step_session.path}: streaming {samples} samples at batch 1: "
        f"accuracy {streamed['accuracy']:.2%}, per step p50 {streamed['p50_us']:.0f} us, "
        f"p99 {streamed['p99_us']:.0f} us, {streamed['steps_per_s']:.0f} steps/s"
    )
    print("torch imported:", "torch" in sys.modules)
    return 0


if __name__ == "__main__":
    sys.exit(main())
