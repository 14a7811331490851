"""norse 1.1's fresh-state autograd: in eager mode with grad enabled, the voltage of a state made by
``initial_state`` (or the ``state=None`` default) requires grad, so that a bare neuron (no trained
weights, an input that needs no grad) backpropagates and the initial state receives a gradient.
Never under ``no_grad``/``inference_mode``, ``torch.compile``, ``torch.jit.script``/``trace`` or
``torch.export``, whose graphs stay free of the ``requires_grad`` change."""

import pytest
import torch
from case_tools import built
from cases import CASES
from test_generic_modules import fresh_inputs, run

import snn_deploy as snn
from snn_deploy.module.snn import NeuronCell, NeuronLayer
from snn_deploy.state import named_leaves

# norse 1.1's LIFCorrelation builds its state without marking it (norse/torch/module/lif_correlation.py)
NOT_MARKED_IN_NORSE = {"LIFCorrelation"}


def voltage_names(state):
    return [name for name, _ in named_leaves(state) if name == "v" or name.endswith(".v")]


VOLTAGE_CASES = [
    case
    for case in CASES
    if case.kind in ("cell", "layer")
    and isinstance(built(case), (NeuronCell, NeuronLayer))
    and voltage_names(built(case).initial_state(fresh_inputs(case)[0]))
]
VOLTAGE_IDS = [case.name for case in VOLTAGE_CASES]


def bare(case):
    """The case's module with its weights frozen: only the fresh state can carry a gradient."""
    module = built(case).train()
    for parameter in module.parameters():
        parameter.requires_grad_(False)
    return module


def test_every_neuron_case_with_a_voltage_is_covered():
    names = {case.name for case in VOLTAGE_CASES}
    assert {"LIFCell", "LIF", "LIFRecurrentCell", "IzhikevichCell", "LIFRefracCell", "LIFAdExRefracCell"} <= names
    assert "LIFCorrelation" not in names and "LIFBoxCell" in names and "LILinearCell" in names
    assert len(names) == 37


@pytest.mark.parametrize("case", VOLTAGE_CASES, ids=VOLTAGE_IDS)
def test_a_bare_neuron_backpropagates_from_its_fresh_state(case):
    module = bare(case)
    args = fresh_inputs(case)
    assert not args[0].requires_grad
    output, _ = run(module, args)
    output.sum().backward()  # norse: works; a state without grad raised "element 0 ... does not require grad"


@pytest.mark.parametrize("case", VOLTAGE_CASES, ids=VOLTAGE_IDS)
def test_the_initial_states_voltage_receives_a_gradient(case):
    module = bare(case)
    args = fresh_inputs(case)
    initial = module.initial_state(args[0])
    (name,) = voltage_names(initial)
    leaves = dict(named_leaves(initial))
    assert leaves[name].requires_grad and leaves[name].is_leaf
    assert [other for other, leaf in leaves.items() if leaf.requires_grad] == [name]  # only v, as in norse
    output, _ = run(module, (*args[:1], initial))
    output.sum().backward()
    assert leaves[name].grad is not None and leaves[name].grad.abs().sum() > 0
    assert not any(buffer.requires_grad for buffer in module.buffers()), "a module tensor was marked"


@pytest.mark.parametrize("case", VOLTAGE_CASES, ids=VOLTAGE_IDS)
@pytest.mark.parametrize("mode", [torch.no_grad, torch.inference_mode])
def test_nothing_requires_grad_under_no_grad_or_inference_mode(case, mode):
    module = bare(case)
    args = fresh_inputs(case)
    with mode():
        initial = module.initial_state(args[0])
        output, final = run(module, args)
    leaves = [leaf for _, leaf in named_leaves((initial, output, final))]
    assert leaves and not any(leaf.requires_grad for leaf in leaves)


def test_the_default_state_of_a_layer_gets_the_gradient_through_every_step():
    """``LIF`` from ``state=None``: the output of a voltage-only LI layer depends on the fresh ``v``."""
    x = torch.rand(4, 2, 3, generator=torch.Generator().manual_seed(0))
    layer = snn.LI()
    initial = layer.initial_state(x)
    v_out, _ = layer(x, initial)
    v_out.sum().backward()
    # v_T = (1 - dt tau_mem_inv)^T v_0 + ...: each step keeps (1 - 0.001 * 100) = 0.9 of v_0
    expected = sum(0.9**t for t in range(1, 5))
    torch.testing.assert_close(initial.v.grad, torch.full((2, 3), expected))


def test_a_voltage_that_already_requires_grad_is_left_as_it_is():
    p = snn.LIFParameters(v_leak=torch.nn.Parameter(torch.tensor(0.1)))
    cell = snn.LIFCell(p)
    x = torch.zeros(2, 3)
    v = cell.initial_state(x).v
    assert v.requires_grad and v.grad_fn is None  # a fresh leaf: v_leak's value, detached
    assert torch.equal(v, torch.full((2, 3), 0.1))


def test_sequential_state_starts_its_neurons_from_marked_states():
    model = snn.SequentialState(snn.LIFCell(), snn.LICell())
    for parameter in model.parameters():
        parameter.requires_grad_(False)
    initial = model.initial_state(torch.rand(2, 3))
    assert initial[0].v.requires_grad and initial[1].v.requires_grad
    output, _ = model(torch.rand(2, 3))
    output.sum().backward()


@pytest.mark.parametrize("case_name", ["LIFCell", "LIF", "LIFRecurrent", "LIFRefracCell"])
def test_compile_fullgraph_stays_free_of_graph_breaks_and_leaves_the_state_unmarked(case_name):
    (case,) = [case for case in VOLTAGE_CASES if case.name == case_name]
    args = fresh_inputs(case)
    torch._dynamo.reset()
    compiled = torch.compile(bare(case), fullgraph=True, backend="aot_eager")  # raises at a graph break
    assert torch.is_grad_enabled()
    output, state = run(compiled, args)
    expected, expected_state = run(bare(case), args)
    assert torch.equal(output, expected)
    assert not output.requires_grad and expected.requires_grad  # compiled: no fresh-state grad
    explanation = torch._dynamo.explain(bare(case))(*args)
    assert explanation.graph_break_count == 0 and explanation.graph_count == 1


MARKED = []  # outside the module: torch.export restores a module's attributes after tracing


class RecordsFreshState(torch.nn.Module):
    """A LIF cell that records in ``MARKED`` whether the fresh state it starts from requires grad."""

    def __init__(self):
        super().__init__()
        self.cell = snn.LIFCell()

    def forward(self, x):
        state = self.cell.initial_state(x)
        MARKED.append(state.v.requires_grad)
        return self.cell(x, state)[0]


def test_trace_export_and_onnx_export_see_an_unmarked_fresh_state():
    x = 60.0 * torch.rand(2, 3, generator=torch.Generator().manual_seed(0))
    recorder = RecordsFreshState()
    MARKED.clear()
    expected = recorder(x)
    assert MARKED == [True] and expected.requires_grad  # eager, grad enabled
    traced = torch.jit.trace(recorder, (x,), check_trace=False)
    exported = torch.export.export(recorder, (x,))  # non-strict: runs this Python under is_compiling
    torch.onnx.export(recorder, (x,), dynamo=True)  # through torch.export, as snn_deploy.export does
    assert MARKED == [True, False, False, False]
    assert torch.equal(traced(x), expected) and torch.equal(exported.module()(x), expected)


@pytest.mark.parametrize("case_name", ["LIFCell", "LIF", "LIFRecurrentCell"])
def test_a_scripted_module_starts_from_an_unmarked_state(case_name):
    (case,) = [case for case in VOLTAGE_CASES if case.name == case_name]
    args = fresh_inputs(case)
    scripted = torch.jit.script(bare(case))
    assert not any(leaf.requires_grad for _, leaf in named_leaves(scripted.initial_state(args[0])))
    output, _ = run(scripted, args)
    assert torch.equal(output, run(bare(case), args)[0]) and not output.requires_grad
