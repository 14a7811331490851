"""Scaffolding shared by the known-answer tests: float64 values, a plain reference loop over Python
floats, and the comparisons of a module's run with it."""

from typing import Callable, Sequence, Tuple

import torch
from torch import Tensor

from snn_deploy.state import named_leaves

f64 = torch.float64

NeuronState = Tuple[float, ...]


def tensor(values) -> Tensor:
    return torch.tensor(values, dtype=f64)


def reference_run(
    currents: Tensor, initial: NeuronState, neuron_step: Callable[[NeuronState, float], Tuple[bool, NeuronState]]
) -> Tuple[Tensor, ...]:
    """Run the equations of one neuron, ``neuron_step(state, x) -> (fired, state)`` on Python floats,
    for every column (neuron) and row (time step) of ``currents`` ``(T, N)``, starting every neuron at
    ``initial``. Returns the spikes ``(T, N)`` and each field of the final states ``(N,)``, in float64."""
    steps, neurons = currents.shape
    states = [initial] * neurons
    spikes = []
    for t in range(steps):
        row = []
        for n in range(neurons):
            fired, states[n] = neuron_step(states[n], float(currents[t, n]))
            row.append(1.0 if fired else 0.0)
        spikes.append(row)
    return (tensor(spikes),) + tuple(tensor(list(field)) for field in zip(*states))


def assert_matches_reference(
    z: Tensor, state, reference: Sequence[Tensor], fields: Sequence[str], min_spikes: int = 20
) -> None:
    """Spikes ``z`` ``(T, N)`` equal the reference spikes bit for bit, and the state ``fields`` (dotted
    names, in the order of the reference's state fields; a leading batch of one is dropped) match the
    reference's final state. The reference must spike more than ``min_spikes`` times."""
    expected_z, *expected_fields = reference
    assert expected_z.sum() > min_spikes
    assert torch.equal(z, expected_z)
    leaves = dict(named_leaves(state))
    for name, expected in zip(fields, expected_fields, strict=True):
        torch.testing.assert_close(leaves[name].squeeze(0), expected)


def assert_recurrent_layer_with_identity_input_equals_feed_forward(recurrent_layer, feed_forward_layer, p) -> None:
    """With ``W_in = I`` and ``W_rec = 0`` the recurrent layer is the feed-forward layer: same spikes and
    the same values in every field of the feed-forward state."""
    x = 40.0 * torch.rand(50, 2, 3, generator=torch.Generator().manual_seed(4), dtype=f64)
    recurrent = recurrent_layer(3, 3, p, input_weights=torch.eye(3), recurrent_weights=torch.zeros(3, 3)).double()
    z_rec, s_rec = recurrent(x)
    z_ff, s_ff = feed_forward_layer(p).double()(x)
    assert z_ff.sum() > 10
    assert torch.equal(z_rec, z_ff)
    for field in s_ff._fields:
        assert torch.equal(getattr(s_rec, field), getattr(s_ff, field)), field
