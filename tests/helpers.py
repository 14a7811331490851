"""Shared assertions: compare nested outputs, spikes exactly and other values within a tolerance."""

from typing import Any

import torch

from snn_deploy.state import named_leaves

# float32 state tolerance between two backends of the same model: the Euler step is a handful of
# multiply-adds per time step, and fused kernels (FMA, reordered sums) differ from eager by a few
# ulp per operation; over T <= 16 steps at magnitudes <= 1e3 that stays below these bounds.
RTOL, ATOL = 1e-5, 1e-4


def call(module, args):
    return module(*args)


def assert_same_outputs(
    actual: Any, expected: Any, exact: bool = False, rtol: float = RTOL, atol: float = ATOL
) -> None:
    """Every tensor leaf of ``actual`` matches ``expected``: bit-equal if ``exact`` or if the leaf
    holds spikes (only 0 and 1), else within ``rtol``/``atol``."""
    got, want = dict(named_leaves(actual)), dict(named_leaves(expected))
    assert got.keys() == want.keys(), f"output structure differs: {sorted(got)} vs {sorted(want)}"
    for name, reference in want.items():
        value = got[name]
        if not isinstance(reference, torch.Tensor):
            assert value == reference, name
            continue
        assert value.shape == reference.shape, f"{name}: shape {tuple(value.shape)} != {tuple(reference.shape)}"
        value, reference = value.detach().cpu().double(), reference.detach().cpu().double()
        is_spikes = bool(((reference == 0) | (reference == 1)).all())
        if exact or is_spikes:
            assert torch.equal(value, reference), (
                f"{name}: values differ (max {float((value - reference).abs().max())})"
            )
        else:
            torch.testing.assert_close(value, reference, rtol=rtol, atol=atol, msg=lambda m, name=name: f"{name}: {m}")


def has_spikes(output: Any) -> bool:
    """True if some tensor leaf is a spike train with at least one spike."""
    for _, leaf in named_leaves(output):
        if isinstance(leaf, torch.Tensor) and bool(((leaf == 0) | (leaf == 1)).all()) and leaf.sum() > 0:
            return True
    return False
