"""Graphs written by other libraries (tests/fixtures/nir, made by make_fixtures.py there), imported
and compared with the source library's own outputs on the same input.

Identical spikes where the source's step is NIR's Euler step: snntorch ``Leaky`` (also in a conv
net) with ``reset_mechanism="zero"``, spikingjelly ``CUBALIFNode``, ``IFNode`` and a conv net of
``LIFNode``, sinabs ``IAF`` (imported at ``dt = 1``: sinabs counts time in steps), norse
``LIFBoxCell`` (at ``dt = 1e-6``, below). sinabs ``LIF`` decays by ``exp(-dt/tau)``, not by the
Euler factor ``1 - dt/tau``.

snntorch's ``Synaptic``/``RSynaptic``/``RLeaky`` and this package's ``LIF`` follow the same Euler step
between spikes (the membrane agrees until the first spike), but reset differently: snntorch's
``reset_mechanism="zero"`` zeroes the whole membrane update of the step after a spike (so the
synaptic current of that step is lost), norse's resets the voltage to ``v_reset`` in the spiking
step and keeps integrating the current in the next. The spike agreement below is recorded exactly.
norse 1.1's ``to_nir`` writes ``tau = dt / tau_inv`` (1e-5 s for its 10 ms membrane) and
``w_in = 1``: imported at ``dt = 1e-6`` the decay per step is norse's, and only the input factor
(``w_in * dt / tau_syn = 0.2`` instead of norse's 1) differs. spikingjelly's ``CUBALIFNode``
(``c_decay``, ``v_decay``, hard reset) is the same Euler step: identical spikes.
"""

from pathlib import Path

import numpy as np
import pytest
import torch

from snn_deploy.nir import from_nir

FIXTURES = Path(__file__).parent / "fixtures" / "nir"

# fixture: (dt, input_shape override, outputs equal to the source's, outputs in all)
AGREEMENT = {
    "snntorch_leaky": (1e-4, None, 300, 300),
    "snntorch_conv_leaky": (1e-4, None, 150, 150),
    "snntorch_rleaky": (1e-4, None, 280, 300),
    "snntorch_synaptic": (1e-4, None, 258, 300),
    "snntorch_rsynaptic": (1e-4, None, 273, 300),
    "snntorch_conv_synaptic": (1e-4, None, 128, 150),
    "spikingjelly_cuba_lif": (1e-4, None, 300, 300),
    "spikingjelly_if": (1e-4, None, 300, 300),
    "spikingjelly_conv_lif": (1e-4, None, 150, 150),
    "norse_lif_box": (1e-6, [4], 300, 300),
    "norse_lif": (1e-6, [4], 295, 300),
    "sinabs_iaf": (1.0, [4], 300, 300),
    "sinabs_lif": (1.0, [4], 289, 300),
}


def _load(name, dt, input_shape=None):
    data = np.load(FIXTURES / f"{name}.npz")
    return from_nir(FIXTURES / f"{name}.nir", dt=dt, input_shape=input_shape).eval(), data


@pytest.mark.parametrize("name", AGREEMENT)
def test_imported_graph_agrees_with_its_source_at_the_recorded_rate(name):
    dt, input_shape, agreeing, total = AGREEMENT[name]
    model, data = _load(name, dt, input_shape)
    with torch.no_grad():
        output, _ = model(torch.from_numpy(data["input"]))
    reference = data["output"]
    assert output.shape == reference.shape and reference.size == total
    assert int((output.numpy() == reference).sum()) == agreeing
    assert 0 < reference.sum() < reference.size


@pytest.mark.parametrize("name", ["snntorch_synaptic", "snntorch_rsynaptic"])
def test_snntorch_membrane_and_spikes_agree_until_the_first_reset(name):
    model, data = _load(name, 1e-4)
    x, reference, mem = (torch.from_numpy(data[key]) for key in ("input", "output", "mem"))
    v_index = max(k for k, state_name in enumerate(model.state_names) if state_name.endswith(".v"))
    state, outputs, voltages = model.initial_state(x), [], []
    with torch.no_grad():
        for x_t in x:
            output, state = model.step(x_t, state)
            outputs.append(output)
            voltages.append(state[v_index])
    outputs, voltages = torch.stack(outputs), torch.stack(voltages)
    # before the first spike of a neuron (of any neuron of the sample, in the recurrent layer)
    spiked = reference.cumsum(0) > 0
    if name == "snntorch_rsynaptic":
        spiked = spiked.any(-1, keepdim=True).expand_as(spiked)
    before = ~spiked
    up_to_first = before | (spiked & ~torch.cat([torch.zeros_like(spiked[:1]), spiked[:-1]]))
    assert before.sum() >= 12 and up_to_first.sum() > before.sum()  # two steps of six neurons at least
    assert torch.equal(outputs[up_to_first], reference[up_to_first])
    torch.testing.assert_close(voltages[before], mem[before], rtol=1e-5, atol=1e-6)
