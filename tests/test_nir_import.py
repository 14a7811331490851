"""``from_nir`` on graphs built with the nir API: known answers of every node and of the Euler
step of NIR's equations, graphs that are not chains, nested graphs, and clear errors."""

from dataclasses import dataclass

import nir
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from nir_graphs import branching_recurrent, cuba_lif, graph, io

import snn_deploy as snn
from snn_deploy.nir import NIRError, from_nir


def _run(g, x, **options):
    with torch.no_grad():
        return from_nir(g, **options)(x)


def test_cuba_lif_is_the_euler_step_of_nir_equations_with_per_neuron_r_w_in_v_leak_v_reset():
    """Known answer: :math:`I' = I + dt/tau_syn (w_in S - I)`, :math:`v' = v + dt/tau_mem
    (v_leak - v + r I')`, spike where :math:`v' > v_th`, then :math:`v' = v_reset`; in float64."""
    dt, n = 1e-3, 3
    p = dict(
        tau_syn=np.array([2e-3, 4e-3, 8e-3]),
        tau_mem=np.array([1e-2, 2e-2, 5e-3]),
        r=np.array([1.0, 2.0, 0.5]),
        v_leak=np.array([0.0, 0.1, -0.2]),
        v_threshold=np.array([0.3, 0.5, 0.2]),
        v_reset=np.array([0.0, -0.1, 0.05]),
        w_in=np.array([2.0, 1.0, 3.0]),
    )
    nodes = io(n) | {"lif": nir.CubaLIF(**p)}
    module = from_nir(graph(nodes, [("input", "lif"), ("lif", "output")]), dt=dt, dtype=torch.float64)
    x = torch.rand(40, 2, n, generator=torch.Generator().manual_seed(1), dtype=torch.float64) * 20
    with torch.no_grad():
        spikes, state = module(x)
    current, v, expected = np.zeros((2, n)), np.broadcast_to(p["v_leak"], (2, n)).copy(), []
    for x_t in x.numpy():
        current = current + dt / p["tau_syn"] * (p["w_in"] * x_t - current)
        v = v + dt / p["tau_mem"] * (p["v_leak"] - v + p["r"] * current)
        z = (v > p["v_threshold"]).astype(float)
        v = np.where(z > 0, p["v_reset"], v)
        expected.append(z)
    expected = np.stack(expected)
    assert 0 < expected.sum() < expected.size
    np.testing.assert_array_equal(spikes.numpy(), expected)
    np.testing.assert_allclose(state[0].numpy(), v, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(state[1].numpy(), p["r"] * (1 - dt / p["tau_syn"]) * current, rtol=1e-12)


def test_cuba_li_output_is_the_membrane_voltage():
    dt = 1e-4
    nodes = io(2) | {
        "li": nir.CubaLI(
            tau_syn=np.full(2, 3e-4), tau_mem=np.full(2, 1e-3), r=np.array([1.0, 3.0]), v_leak=np.array([0.0, 1.0])
        )
    }
    x = torch.rand(10, 1, 2, dtype=torch.float64)
    with torch.no_grad():
        v, _ = from_nir(graph(nodes, [("input", "li"), ("li", "output")]), dt=dt, dtype=torch.float64)(x)
    current, volt, expected = np.zeros(2), np.array([0.0, 1.0]), []
    for x_t in x[:, 0].numpy():
        current = current + dt / 3e-4 * (x_t - current)
        volt = volt + dt / 1e-3 * (np.array([0.0, 1.0]) - volt + np.array([1.0, 3.0]) * current)
        expected.append(volt)
    np.testing.assert_allclose(v[:, 0].numpy(), np.stack(expected), rtol=1e-12)


def test_lif_li_and_if_without_synapse_are_euler_steps_with_per_neuron_parameters():
    r"""Known answers: LIF :math:`v' = v + dt/tau (v_leak - v + r S)` then threshold and reset to
    ``v_reset``; LI the same without threshold; IF :math:`v' = v + dt\, r S`."""
    dt, n = 1e-3, 3
    tau, r, v_leak = np.array([2e-3, 5e-3, 1e-2]), np.array([1.0, 2.0, 3.0]), np.array([0.0, 0.1, -0.1])
    v_th, v_reset = np.array([0.3, 0.4, 0.2]), np.array([0.0, -0.2, 0.1])
    nodes = io(n) | {
        "lif": nir.LIF(tau=tau, r=r, v_leak=v_leak, v_threshold=v_th, v_reset=v_reset),
        "li": nir.LI(tau=tau, r=r, v_leak=v_leak),
        "if": nir.IF(r=r * 100.0, v_threshold=v_th, v_reset=v_reset),
    }
    x = torch.rand(30, 2, n, generator=torch.Generator().manual_seed(2), dtype=torch.float64)
    results = {}
    for name in ("lif", "li", "if"):
        g = graph(io(n) | {name: nodes[name]}, [("input", name), (name, "output")])
        with torch.no_grad():
            results[name] = from_nir(g, dt=dt, dtype=torch.float64)(x)[0].numpy()
    v_lif, v_li, v_if = (np.broadcast_to(v0, (2, n)).copy() for v0 in (v_leak, v_leak, v_reset))
    for t, x_t in enumerate(x.numpy()):
        v_lif = v_lif + dt / tau * (v_leak - v_lif + r * x_t)
        z = v_lif > v_th
        np.testing.assert_array_equal(results["lif"][t], z)
        v_lif = np.where(z, v_reset, v_lif)
        v_li = v_li + dt / tau * (v_leak - v_li + r * x_t)
        np.testing.assert_allclose(results["li"][t], v_li, rtol=1e-12)
        v_if = v_if + dt * r * 100.0 * x_t
        z = v_if > v_th
        np.testing.assert_array_equal(results["if"][t], z)
        v_if = np.where(z, v_reset, v_if)
    assert 0 < results["lif"].sum() < results["lif"].size and 0 < results["if"].sum() < results["if"].size


def test_stateless_nodes_match_their_definitions():
    rng = np.random.default_rng(0)
    weight, bias = rng.normal(size=(3, 2, 3)), rng.normal(size=3)
    nodes = io([2, 9]) | {
        "conv": nir.Conv1d(input_shape=9, weight=weight, stride=2, padding=1, dilation=1, groups=1, bias=bias),
        "scale": nir.Scale(scale=np.full((3, 5), 2.0)),
        "threshold": nir.Threshold(threshold=np.full((3, 5), 0.5)),
        "flat": nir.Flatten(input_type={"input": np.array([3, 5])}, start_dim=0, end_dim=-1),
    }
    nodes["output"] = nir.Output(output_type={"output": np.array([15])})
    edges = [("input", "conv"), ("conv", "scale"), ("scale", "threshold"), ("threshold", "flat"), ("flat", "output")]
    x = torch.randn(3, 4, 2, 9)
    y, state = _run(graph(nodes, edges), x)
    conv = F.conv1d(
        x.flatten(0, 1), torch.tensor(weight, dtype=torch.float32), torch.tensor(bias, dtype=torch.float32), 2, 1
    )
    expected = (conv * 2.0 - 0.5 > 0).float().reshape(3, 4, 15)
    assert state == []
    assert torch.equal(y, expected)
    assert 0 < y.sum() < y.numel()


@pytest.mark.parametrize("pool", [nir.SumPool2d, nir.AvgPool2d])
def test_pooling_sums_or_averages_each_window(pool):
    nodes = io([1, 4, 4]) | {
        "pool": pool(kernel_size=np.array([2, 2]), stride=np.array([2, 2]), padding=np.array([0, 0]))
    }
    nodes["output"] = nir.Output(output_type={"output": np.array([1, 2, 2])})
    x = torch.arange(32.0).reshape(1, 2, 1, 4, 4)
    y, _ = _run(graph(nodes, [("input", "pool"), ("pool", "output")]), x)
    windows = x.reshape(1, 2, 1, 2, 2, 2, 2).permute(0, 1, 2, 3, 5, 4, 6).reshape(1, 2, 1, 2, 2, 4)
    expected = windows.sum(-1) if pool is nir.SumPool2d else windows.mean(-1)
    assert torch.equal(y, expected)


def test_conv2d_with_tuple_stride_padding_and_groups():
    rng = np.random.default_rng(1)
    weight = rng.normal(size=(4, 1, 3, 2))
    node = nir.Conv2d(
        input_shape=(5, 6), weight=weight, stride=(1, 2), padding=(1, 0), dilation=1, groups=2, bias=np.zeros(4)
    )
    nodes = io([2, 5, 6]) | {"conv": node}
    nodes["output"] = nir.Output(output_type={"output": np.array([4, 5, 3])})
    x = torch.randn(2, 3, 2, 5, 6)
    y, _ = _run(graph(nodes, [("input", "conv"), ("conv", "output")]), x)
    expected = F.conv2d(x.flatten(0, 1), torch.tensor(weight, dtype=torch.float32), None, (1, 2), (1, 0), 1, 2)
    assert torch.equal(y, expected.reshape(2, 3, *expected.shape[1:]))


def test_delay_outputs_the_input_of_whole_steps_ago():
    nodes = io(3) | {"delay": nir.Delay(delay=np.full(3, 2e-3))}
    x = torch.randn(6, 2, 3)
    y, state = _run(graph(nodes, [("input", "delay"), ("delay", "output")]), x, dt=1e-3)
    assert torch.equal(y[2:], x[:-2]) and torch.equal(y[:2], torch.zeros(2, 2, 3))
    assert torch.equal(torch.stack(state), x[-2:])


@pytest.mark.parametrize(
    "delay, message",
    [(np.full(3, 1.5e-3), "whole multiples of dt"), (np.array([1e-3, 2e-3, 1e-3]), "differ")],
)
def test_delays_that_are_not_one_whole_number_of_steps_are_refused(delay, message):
    nodes = io(3) | {"delay": nir.Delay(delay=delay)}
    with pytest.raises(NIRError, match=f"node 'delay' \\(Delay\\): .*{message}"):
        from_nir(graph(nodes, [("input", "delay"), ("delay", "output")]), dt=1e-3)


def test_integrator_accumulates_dt_r_x():
    nodes = io(2) | {"i": nir.I(r=np.array([1.0, 4.0]))}
    x = torch.rand(5, 1, 2, dtype=torch.float64)
    with torch.no_grad():
        v, state = from_nir(graph(nodes, [("input", "i"), ("i", "output")]), dt=0.5, dtype=torch.float64)(x)
    expected = torch.zeros(1, 2, dtype=torch.float64)
    for t in range(5):
        expected = expected + 0.5 * torch.tensor([1.0, 4.0], dtype=torch.float64) * x[t]
        assert torch.equal(v[t], expected)
    assert torch.equal(state[0], expected)


def test_branches_and_sums_add_every_edge_onto_the_current():
    g = branching_recurrent()
    module = from_nir(g)
    x = torch.rand(12, 2, 3, generator=torch.Generator().manual_seed(3))
    with torch.no_grad():
        y, state = module(x)
    assert module.state_names == ["lif.output", "lif.v", "lif.i", "readout.v", "readout.i"]
    # the same network written with the package's layers (the sum of the two branches is one input)
    a, b, rec = (g.nodes[name] for name in ("a", "b", "rec"))
    lif = snn.LIFCell(
        snn.LIFParameters(
            tau_syn_inv=torch.tensor([500.0, 1000 / 3, 250.0, 200.0]), v_th=torch.tensor([0.2, 0.3, 0.4, 0.5])
        )
    )
    readout = snn.LICell()
    tensor = lambda array: torch.tensor(array, dtype=torch.float32)  # noqa: E731
    factor = 40.0 * 1e-3 / tensor(g.nodes["lif"].tau_syn)
    z, lif_state, li_state, outputs = torch.zeros(2, 4), None, None, []
    for x_t in x:
        drive = x_t @ tensor(a.weight).T + tensor(a.bias) + x_t @ tensor(b.weight).T
        drive = drive + z @ tensor(rec.weight).T + tensor(rec.bias)
        z, lif_state = lif(drive * factor, lif_state)
        v, li_state = readout(z * tensor([1.0, 2.0, 3.0, 4.0]), li_state)
        outputs.append(v)
    torch.testing.assert_close(y, torch.stack(outputs), rtol=1e-5, atol=1e-6)
    torch.testing.assert_close(state[0], z)
    assert 0 < state[0].sum() < state[0].numel()


def test_nested_graphs_import_like_their_flat_version():
    rng = np.random.default_rng(2)
    weight = rng.normal(size=(4, 3))
    inner = graph(io(3) | {"w": nir.Linear(weight=weight)}, [("input", "w"), ("w", "output")])
    inner.nodes["output"] = nir.Output(output_type={"output": np.array([4])})
    outer_nodes = io(3) | {"sub": inner, "lif": cuba_lif(4, v_threshold=0.1, w_in=5.0)}
    outer_nodes["output"] = nir.Output(output_type={"output": np.array([4])})
    nested = graph(outer_nodes, [("input", "sub"), ("sub", "lif"), ("lif", "output")])
    flat_nodes = io(3) | {"w": nir.Linear(weight=weight), "lif": cuba_lif(4, v_threshold=0.1, w_in=5.0)}
    flat_nodes["output"] = nir.Output(output_type={"output": np.array([4])})
    flat = graph(flat_nodes, [("input", "w"), ("w", "lif"), ("lif", "output")])
    x = torch.rand(10, 2, 3) * 5
    nested_y, _ = _run(nested, x, dt=1e-3)
    flat_y, _ = _run(flat, x, dt=1e-3)
    assert from_nir(nested, dt=1e-3).names == ["input", "sub.input", "sub.w", "sub.output", "lif", "output"]
    assert torch.equal(nested_y, flat_y)
    assert 0 < flat_y.sum() < flat_y.numel()


def test_state_can_be_passed_back_to_continue_a_sequence():
    module = from_nir(branching_recurrent())
    x = torch.rand(10, 2, 3, generator=torch.Generator().manual_seed(4))
    with torch.no_grad():
        whole, whole_state = module(x)
        first, state = module(x[:4])
        second, second_state = module(x[4:], state)
    assert torch.equal(torch.cat([first, second]), whole)
    assert all(torch.equal(a, b) for a, b in zip(second_state, whole_state))


@dataclass(eq=False)
class Unknown(nir.NIRNode):
    gain: np.ndarray


def test_errors_name_the_node_its_type_and_what_is_missing():
    cases = [
        (
            graph(io(2) | {"u": Unknown(np.ones(2))}, [("input", "u"), ("u", "output")]),
            r"node 'u' \(Unknown\): node type Unknown is not supported",
        ),
        (
            graph(io(2) | {"bad": cuba_lif(2, tau_syn=0.0)}, [("input", "bad"), ("bad", "output")]),
            r"node 'bad' \(CubaLIF\): 'tau_syn' must be positive",
        ),
        (
            graph(
                io(2) | {"w": nir.Affine(weight=np.ones((2, 3)), bias=np.zeros(2))}, [("input", "w"), ("w", "output")]
            ),
            r"node 'w' \(Affine\): does not fit its input of shape \[2\]",
        ),
        (
            graph(
                io(2) | {"a": nir.Linear(np.eye(2)), "b": nir.Linear(np.eye(2))},
                [("input", "a"), ("a", "b"), ("b", "a"), ("b", "output")],
            ),
            "cycle without a neuron or delay",
        ),
        (
            graph(io(2) | {"in2": nir.Input(input_type={"input": np.array([2])})}, [("input", "output")]),
            "exactly one Input node, found 2",
        ),
        (graph(io(2), [("input", "nowhere")]), "unknown node 'nowhere'"),
        (
            graph(io(2) | {"lonely": nir.Linear(np.eye(2))}, [("input", "output"), ("lonely", "output")]),
            r"node 'lonely' \(Linear\): is not reachable",
        ),
    ]
    for g, message in cases:
        with pytest.raises(NIRError, match=message):
            from_nir(g, dt=1e-3)


def test_dt_comes_from_the_argument_or_the_graph_and_is_needed_for_dynamics():
    nodes = io(2) | {"lif": cuba_lif(2)}
    edges = [("input", "lif"), ("lif", "output")]
    assert from_nir(graph(nodes, edges, dt=2e-4)).dt == 2e-4
    assert from_nir(graph(nodes, edges, dt=2e-4), dt=1e-3).dt == 1e-3
    with pytest.raises(NIRError, match="pass dt"):
        from_nir(graph(nodes, edges))
    with pytest.raises(NIRError, match="positive"):
        from_nir(graph(nodes, edges), dt=-1.0)


def test_wrong_inputs_and_files_are_clear_errors(tmp_path):
    module = from_nir(branching_recurrent())
    with pytest.raises(ValueError, match=r"expected an input of shape \(time, batch, 3\), got \(4, 2, 5\)"):
        module(torch.zeros(4, 2, 5))
    with pytest.raises(TypeError, match="floating-point"):
        module(torch.zeros(4, 2, 3, dtype=torch.int64))
    with pytest.raises(ValueError, match="state list of 5 tensors"):
        module(torch.zeros(4, 2, 3), [torch.zeros(2, 4)])
    (tmp_path / "bad.nir").write_bytes(b"not hdf5")
    with pytest.raises(NIRError, match="not a readable NIR file"):
        from_nir(tmp_path / "bad.nir")
    with pytest.raises(NIRError, match="no NIR file"):
        from_nir(tmp_path / "missing.nir")


def test_parameters_follow_dtype_and_device_moves():
    module = from_nir(branching_recurrent()).double()
    y, state = module(torch.rand(3, 2, 3, dtype=torch.float64))
    assert y.dtype == torch.float64 and all(s.dtype == torch.float64 for s in state)
