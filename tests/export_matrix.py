"""The export matrix: every registry case x {onnx-sequence, onnx-step, torchscript, pt2}: export,
load with the stock loader, run on new random inputs at another batch size, match eager (spikes
exactly). One test file per target (``test_export_matrix_<target>.py``), so that the workers of
``pytest -n 2 --dist loadfile`` share the matrix.

A new registry case is exported automatically; cases that must be refused are listed in
``REFUSED`` with the expected error."""

import pytest
import torch
from case_tools import built
from cases import CASES
from export_tools import eager, eager_initial_state, example, stock_runner
from helpers import assert_same_outputs

from snn_deploy.errors import ExportError
from snn_deploy.export import model_kind, to_onnx, to_pt2, to_torchscript
from snn_deploy.state import named_tensors

TARGETS = {
    "onnx-sequence": (to_onnx, "onnx", False, ".onnx"),
    "onnx-step": (to_onnx, "onnx", True, ".onnx"),
    "torchscript": (to_torchscript, "torchscript", False, ".ts"),
    "pt2": (to_pt2, "pt2", False, ".pt2"),
}

# Cases whose export is refused on purpose, with the reason the error must give.
REFUSED = {
    "RegularizationCell": "keeps its running total in a module attribute",
    "LIFCorrelation": "takes input_weights, recurrent_weights as call arguments",
    "PoissonEncoder": "draws random numbers",
    "SignedPoissonEncoder": "draws random numbers",
    "PoissonEncoderStep": "draws random numbers",
    "SignedPoissonEncoderStep": "draws random numbers",
    "RecurrentSequential": "has no initial_state",
}
# Cases refused in step mode only (besides every encoder, which has no single step).
STEP_REFUSED = {
    "SpikeLatencyEncoder": "looks across time steps without a state",
    "SpikesToTimesDecoder": "looks across time steps without a state",
    "ExpFilter": "looks across time steps without a state",
}


def _refusal(case, model, step):
    if step and model_kind(model) == "encoder":
        return "is an encoder"
    if case.name in REFUSED:
        return REFUSED[case.name]
    if step and case.name in STEP_REFUSED:
        return STEP_REFUSED[case.name]
    return None


CASE_IDS = [case.name for case in CASES]


def check_artifact_matches_eager_on_new_inputs(case, target, tmp_path):
    """Export ``case`` to ``target`` (a key of :data:`TARGETS`), or check it is refused as listed."""
    exporter, format_name, step, suffix = TARGETS[target]
    model = built(case)
    path = tmp_path / f"model{suffix}"
    refusal = _refusal(case, model, step)
    if refusal:
        with pytest.raises(ExportError, match=refusal):
            exporter(model, example(case, model, step), path, step=step) if format_name == "onnx" else exporter(
                model, example(case, model, step), path
            )
        assert not path.exists()
        return
    options = {"step": step} if format_name == "onnx" else {}
    report = exporter(model, example(case, model, step), path, **options)
    assert report.file_bytes == path.stat().st_size
    figures = report.validation["outputs"]
    assert list(figures) == [spec.name for spec in report.manifest.outputs]
    assert all(figure["spike_agreement"] == 1.0 for figure in figures.values() if figure["spikes"])
    assert report.manifest.mode == ("step" if step else "sequence")

    # new inputs at another batch size (the case's B, plus its samples again), state carried once
    run = stock_runner(path, format_name)
    fresh = example(case, model, step, seed=7)
    batch_axis = report.manifest.inputs[0].batch_axis
    fresh = torch.cat([fresh, fresh.flip(batch_axis)], dim=batch_axis)
    state = eager_initial_state(model, step, fresh)
    expected = eager(model, step, fresh, state)
    actual = run([fresh] + [tensor for _, tensor in named_tensors(state)])
    assert_same_outputs(actual, expected)
    carried = run([fresh.flip(0)] + actual[1:])
    assert_same_outputs(carried, eager(model, step, fresh.flip(0), _state_like(state, expected[1:])))


def _state_like(template, tensors):
    from snn_deploy.state import rebuild

    return None if template is None else rebuild(template, iter(tensors))
