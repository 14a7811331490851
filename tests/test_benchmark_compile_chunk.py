"""The compile backend's chunk size, chosen by timing candidates around the 4 MiB rule; the
choice is checked against the trials, never against a time."""

import pytest
import torch

import snn_deploy
from snn_deploy.benchmarks.backends import compiled, fastest_choice, time_chunk_candidates


@pytest.mark.parametrize(
    ("shape", "candidates"),
    [
        ((256, 64, 4096), [2, 4, 8]),  # W1: 1 MiB a step, 4 steps in the middle
        ((32, 32, 2, 32, 32), [8, 16, 32]),  # W2: 256 KiB a step
        ((100, 32, 256), [50, 100]),  # W3: 128 steps' worth is more than T, so it also runs whole
        ((1, 1, 2, 32, 32), [1]),  # a stream's example: one step
        ((8, 1, 2**21), [1, 2]),  # 8 MiB a step
    ],
)
def test_chunk_candidates_surround_the_four_mebibyte_rule(shape, candidates):
    assert time_chunk_candidates(torch.empty(shape, device="meta")) == candidates


def test_fastest_choice_builds_and_times_every_candidate_and_keeps_the_fastest():
    built, calls = [], []

    def build(size: int):
        built.append(size)

        def function(example: torch.Tensor) -> torch.Tensor:
            calls.append(size)
            return torch.ones(size * 1000).sum() + example

        return function

    chosen, function, trials = fastest_choice(build, [1, 50, 200], torch.tensor(1.0), repeats=3)
    assert built == [1, 50, 200]
    assert calls == [1] * 5 + [50] * 5 + [200] * 5  # first call, one warm-up, three timed
    assert set(trials["trial_ms"]) == set(trials["prepare_s"]) == {1, 50, 200}
    assert chosen == min(trials["trial_ms"], key=trials["trial_ms"].get)
    assert function(torch.tensor(0.0)).item() == chosen * 1000
    with pytest.raises(ValueError, match="no candidates"):
        fastest_choice(build, [], torch.tensor(1.0))


def test_the_compile_backend_runs_the_chosen_chunk_and_records_the_trials(tmp_path):
    model = snn_deploy.LIF().eval()
    x = 2.0 * torch.rand(6, 2, 8, generator=torch.Generator().manual_seed(0))
    with torch.inference_mode():
        runner = compiled(model, x, tmp_path)
        output, _ = runner.run(x)
        expected, _ = model(x)
    assert runner.details["time_chunk"] in (3, 6)  # 6 steps of 64 B: half of T, and T
    assert set(runner.details["time_chunk_trial_ms"]) == set(runner.details["time_chunk_prepare_s"]) == {3, 6}
    trials = runner.details["time_chunk_trial_ms"]
    assert runner.details["time_chunk"] == min(trials, key=trials.get)
    assert runner.prepare_seconds == runner.details["time_chunk_prepare_s"][runner.details["time_chunk"]]
    torch.testing.assert_close(output, expected, rtol=0, atol=0)
    assert 0 < output.sum() < output.numel()
