"""snn_deploy.readout on numpy and torch outputs: known answers, gradients, errors."""

import numpy as np
import pytest
import torch

from snn_deploy import readout

# (T=4, B=2, C=3)
VOLTAGES = np.array(
    [
        [[0.1, 0.5, -0.2], [0.0, 0.0, 0.0]],
        [[0.7, 0.2, 0.3], [0.4, -1.0, 0.2]],
        [[0.3, 0.9, 0.1], [0.1, 0.6, 0.5]],
        [[0.2, 0.4, 0.8], [0.3, 0.2, 0.1]],
    ],
    dtype=np.float32,
)
SPIKES = np.zeros((4, 2, 3), dtype=np.float32)
SPIKES[[1, 2, 3], 0, 0] = 1  # class 0 of sample 0 fires at t = 1, 2, 3
SPIKES[3, 0, 1] = 1  # class 1 of sample 0 fires once, at t = 3
SPIKES[[0, 2], 1, 2] = 1  # class 2 of sample 1 fires at t = 0 and 2; the rest never fires

KNOWN = {
    "max_over_time": (VOLTAGES, [[0.7, 0.9, 0.8], [0.4, 0.6, 0.5]]),
    "last_step": (VOLTAGES, [[0.2, 0.4, 0.8], [0.3, 0.2, 0.1]]),
    "spike_count": (SPIKES, [[3, 1, 0], [0, 0, 2]]),
    "first_spike": (SPIKES, [[1, 3, 4], [4, 4, 0]]),
}


@pytest.mark.parametrize("name", list(KNOWN))
def test_known_answers_on_numpy_and_torch(name):
    outputs, expected = KNOWN[name]
    function = getattr(readout, name)
    from_numpy = function(outputs)
    from_torch = function(torch.from_numpy(outputs))
    assert isinstance(from_numpy, np.ndarray) and isinstance(from_torch, torch.Tensor)
    np.testing.assert_allclose(from_numpy, np.array(expected, dtype=np.float32), rtol=0, atol=1e-7)
    np.testing.assert_allclose(from_torch.numpy(), np.array(expected, dtype=np.float32), rtol=0, atol=1e-7)


def test_first_spike_gives_int64_indices_on_both():
    assert readout.first_spike(SPIKES).dtype == np.int64
    assert readout.first_spike(torch.from_numpy(SPIKES)).dtype == torch.int64


def test_class_scores_by_name_predict_the_expected_classes():
    assert readout.class_scores(VOLTAGES, "max").argmax(axis=1).tolist() == [1, 1]
    assert readout.class_scores(VOLTAGES, "last").argmax(axis=1).tolist() == [2, 0]
    assert readout.class_scores(SPIKES, "count").argmax(axis=1).tolist() == [0, 2]
    latency = readout.class_scores(torch.from_numpy(SPIKES), "first_spike")
    assert latency.tolist() == [[3, 1, 0], [0, 0, 4]]  # T - first spike: earliest wins, silent scores 0


def test_torch_readouts_keep_the_gradient():
    voltages = torch.from_numpy(VOLTAGES).clone().requires_grad_()
    (readout.max_over_time(voltages).sum() + 2 * readout.last_step(voltages).sum()).backward()
    expected = np.zeros_like(VOLTAGES)
    expected[1, 0, 0] = expected[2, 0, 1] = expected[3, 0, 2] = 1  # the maxima of sample 0
    expected[1, 1, 0] = expected[2, 1, 1] = expected[2, 1, 2] = 1  # and of sample 1
    expected[3] += 2
    np.testing.assert_array_equal(voltages.grad.numpy(), expected)


def test_bad_outputs_and_names_are_clear_errors():
    with pytest.raises(ValueError, match="unknown readout 'mean'; expected one of max, last, count, first_spike"):
        readout.class_scores(VOLTAGES, "mean")
    with pytest.raises(TypeError, match="max_over_time: expected a numpy array or a torch tensor, got list"):
        readout.max_over_time([[1.0]])
    with pytest.raises(
        ValueError, match=r"spike_count: expected outputs with a non-empty time axis first, got shape \(0, 2\)"
    ):
        readout.spike_count(np.zeros((0, 2)))
