"""norse's custom-neuron API: a user-defined neuron in SNNCell / SNN / SNNRecurrentCell /
SNNRecurrent runs eagerly, compiled and exported; TorchScript refuses it with a clear error."""

from typing import NamedTuple

import pytest
import torch
from torch import Tensor

import snn_deploy as snn
from snn_deploy.functional import threshold
from snn_deploy.functional.lif import lif_step


class IFParameters(NamedTuple):
    v_th: Tensor = torch.as_tensor(1.0)
    method: str = "super"
    alpha: float = 100.0


class IFState(NamedTuple):
    v: Tensor


def if_step(x, state, p, dt):
    """Integrate-and-fire: v <- v + x, spike above v_th, reset to 0."""
    v = state.v + x
    z = threshold(v - p.v_th, p.method, p.alpha)
    return z, IFState(v * (1 - z))


def if_initial_state(x):
    return IFState(torch.zeros_like(x))


def test_a_user_defined_cell_gives_the_known_answer():
    cell = snn.SNNCell(if_step, if_initial_state, IFParameters())
    x = torch.tensor([0.6, 0.3])
    z, state = cell(x)
    assert z.tolist() == [0.0, 0.0] and state.v.tolist() == pytest.approx([0.6, 0.3])
    z, state = cell(x, state)
    assert z.tolist() == [1.0, 0.0] and state.v.tolist() == pytest.approx([0.0, 0.6])


def test_the_layer_equals_the_cell_in_a_loop_and_records_states():
    x = torch.rand(6, 2, 3, generator=torch.Generator().manual_seed(0))
    cell = snn.SNNCell(if_step, if_initial_state, IFParameters())
    state, expected = None, []
    for x_t in x:
        z, state = cell(x_t, state)
        expected.append(z)
    layer = snn.SNN(if_step, lambda x: IFState(torch.zeros_like(x[0])), IFParameters(), record_states=True)
    z, states = layer(x)
    assert torch.equal(z, torch.stack(expected)) and states.v.shape == (6, 2, 3)
    assert torch.equal(states.v[-1], state.v) and z.sum() > 0


def test_parameters_follow_to_and_take_functional_call():
    cell = snn.SNNCell(if_step, if_initial_state, IFParameters()).double()
    assert cell.p.v_th.dtype == torch.float64 and list(cell.state_dict()) == []
    z, _ = torch.func.functional_call(cell, {"v_th": torch.tensor(0.1)}, (torch.full((2,), 0.5, dtype=torch.float64),))
    assert z.tolist() == [1.0, 1.0]


def test_recurrent_custom_neuron_with_lif_step_equals_lif_recurrent():
    torch.manual_seed(0)
    builtin = snn.LIFRecurrent(3, 4)
    custom = snn.SNNRecurrent(
        lif_step,
        lambda x: snn.LIFState(*(torch.zeros(*x.shape[1:-1], 4) for _ in range(3))),
        3,
        4,
        snn.LIFParameters(),
        input_weights=builtin.input_weights.detach().clone(),
        recurrent_weights=builtin.recurrent_weights.detach().clone(),
    )
    assert list(custom.state_dict()) == ["input_weights", "recurrent_weights"]
    x = 60.0 * torch.rand(5, 2, 3, generator=torch.Generator().manual_seed(1))
    z, state = custom(x)
    z_builtin, state_builtin = builtin(x)
    assert torch.equal(z, z_builtin) and torch.equal(state.v, state_builtin.v) and z.sum() > 0
    cell = snn.SNNRecurrentCell(
        lif_step,
        lambda x: builtin.initial_state(x[None]),
        3,
        4,
        snn.LIFParameters(),
        builtin.input_weights.detach(),
        builtin.recurrent_weights.detach(),
    )
    assert torch.equal(cell(x[0])[0], z_builtin[0])


def test_compiles_with_fullgraph_and_exports():
    layer = snn.SNN(if_step, lambda x: IFState(torch.zeros_like(x[0])), IFParameters())
    x = torch.rand(6, 2, 3, generator=torch.Generator().manual_seed(0))
    compiled = torch.compile(layer, fullgraph=True)
    assert torch.equal(compiled(x)[0], layer(x)[0])
    exported = torch.export.export(layer, (x,))
    assert torch.equal(exported.module()(x)[0], layer(x)[0])


def test_exports_to_onnx_and_validates(tmp_path):
    cell = snn.SNNCell(if_step, if_initial_state, IFParameters())
    report = snn.export.to_onnx(cell, torch.rand(2, 3), tmp_path / "if.onnx")
    assert report.path.exists()


def test_torchscript_refuses_a_stored_callable_clearly():
    with pytest.raises(
        TypeError, match="SNNCell: TorchScript cannot script a neuron defined by stored Python callables"
    ):
        torch.jit.script(snn.SNNCell(if_step, if_initial_state, IFParameters()))


def test_the_custom_neurons_are_also_where_norse_keeps_them():
    from snn_deploy.module import snn as base

    assert (base.SNN, base.SNNCell, base.SNNRecurrent, base.SNNRecurrentCell) == (
        snn.SNN,
        snn.SNNCell,
        snn.SNNRecurrent,
        snn.SNNRecurrentCell,
    )
    with pytest.raises(AttributeError, match="has no attribute 'LIFCell'"):
        _ = base.LIFCell


class _UsersParameters(NamedTuple):
    method: str = "bob"  # the user's own meaning, as in norse 1.1's test_snn


def test_a_custom_neurons_own_method_field_is_not_taken_for_a_threshold_method():
    cell = snn.SNNCell(lambda x, s, p, dt: (x, s), lambda x: torch.zeros_like(x), _UsersParameters())
    assert cell.p.method == "bob"
    assert torch.equal(cell(torch.ones(2))[0], torch.ones(2))
    with pytest.raises(ValueError, match="LIFCell: unknown threshold method 'bob'"):
        snn.LIFCell(snn.LIFParameters(method="bob"))
