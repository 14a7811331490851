"""Every case of the registry: fullgraph compile, TorchScript round trip, float64, CUDA, gradients.

Every case compiles with ``fullgraph=True`` (no graph break) on the ``aot_eager`` backend (dynamo and
AOTAutograd, eager kernels); the representative cases also through inductor, every case's inductor
compile only with ``-m inductor_sweep`` (``make test-inductor``, see ``conftest.py``)."""

import copy
import io

import pytest
import torch
from case_tools import REPRESENTATIVE_CASES, RNG_SEED, built
from cases import CASES, CASES_BY_NAME
from helpers import assert_same_outputs, has_spikes

from snn_deploy.module.snn import NeuronModule, RecurrentLayer
from snn_deploy.state import named_leaves

IDS = [case.name for case in CASES]


def fresh_inputs(case, seed=0, dtype=torch.float32):
    """Draw in float32 and cast, so every dtype sees the same values."""
    args = case.inputs(torch.Generator().manual_seed(seed), torch.float32)
    return tuple(a.to(dtype) if isinstance(a, torch.Tensor) else a for a in args)


def run(module, args):
    """Call ``module`` with torch's global RNG seeded, so that random encoders draw the same
    numbers eagerly (from their generator seeded with ``RNG_SEED``), scripted and compiled."""
    torch.manual_seed(RNG_SEED)
    return module(*args)


INDUCTOR_CASES = [
    pytest.param(case, id=case.name, marks=() if case.name in REPRESENTATIVE_CASES else pytest.mark.inductor_sweep)
    for case in CASES
]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_fullgraph_compile_has_no_graph_breaks_and_equals_eager(case):
    """``fullgraph=True`` raises at the first graph break; ``aot_eager`` traces the whole
    forward (and its backward graph) as inductor would, without generating kernels."""
    args = fresh_inputs(case)
    torch._dynamo.reset()  # the cases share forward code objects: a fresh cache, not recompile_limit
    compiled = torch.compile(built(case), fullgraph=True, backend="aot_eager")
    assert_same_outputs(run(compiled, args), run(built(case), args))


@pytest.mark.parametrize("case", INDUCTOR_CASES)
def test_inductor_compile_equals_eager(case):
    args = fresh_inputs(case)
    torch._dynamo.reset()
    with torch._inductor.config.patch(fallback_random=True):  # torch.rand, not inductor's own RNG
        compiled = torch.compile(built(case), fullgraph=True)
        assert_same_outputs(run(compiled, args), run(built(case), args))


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_torchscript_survives_save_and_load(case):
    if not case.scriptable:
        with pytest.raises(TypeError, match="cannot be scripted"):
            torch.jit.script(built(case))
        return
    scripted = torch.jit.script(built(case))
    buffer = io.BytesIO()
    torch.jit.save(scripted, buffer)
    for seed in (1, 2):  # every seed on fresh modules: RegularizationCell's total carries over calls
        args = fresh_inputs(case, seed)
        expected = run(built(case), args)  # a fresh encoder: its generator starts from RNG_SEED
        assert_same_outputs(run(copy.deepcopy(scripted), args), expected, exact=True)
        assert_same_outputs(run(torch.jit.load(io.BytesIO(buffer.getvalue())), args), expected, exact=True)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_runs_in_float64_with_parameters_following_to(case):
    module = built(case)
    module64 = built(case).to(torch.float64)
    args32, args64 = fresh_inputs(case), fresh_inputs(case, dtype=torch.float64)
    output = run(module64, args64)
    for name, leaf in named_leaves(output):
        if isinstance(leaf, torch.Tensor):
            assert leaf.dtype == torch.float64, name
    for name, tensor in list(module64.named_parameters()) + list(module64.named_buffers()):
        if tensor.is_floating_point():
            assert tensor.dtype == torch.float64, name
    assert_same_outputs(output, run(module, args32), rtol=1e-4, atol=1e-3)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="CUDA is not available")
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_runs_on_cuda_and_matches_cpu(case):
    module = built(case)
    args = fresh_inputs(case)
    cuda_args = tuple(a.cuda() if isinstance(a, torch.Tensor) else a for a in args)
    output = run(built(case).cuda(), cuda_args)
    for name, leaf in named_leaves(output):
        if isinstance(leaf, torch.Tensor):
            assert leaf.is_cuda, name
    assert_same_outputs(output, run(module, args))


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_surrogate_gradients_reach_the_input_and_every_weight(case):
    module = built(case).train()
    args = fresh_inputs(case)
    inputs = args[0].requires_grad_()
    output = module(*args)
    if case.kind == "cell":  # a second step, so that recurrent weights see the first step's spikes
        output = (output, module(inputs, output[1]))
    if case.spiking:
        assert has_spikes(output), "the test input must make the neurons fire"
    if not case.differentiable:
        assert not any(leaf.requires_grad for _, leaf in named_leaves(output)), "expected no gradient"
        return
    loss = sum(leaf.sum() for _, leaf in named_leaves(output) if isinstance(leaf, torch.Tensor) and leaf.requires_grad)
    loss.backward()
    assert inputs.grad is not None and inputs.grad.abs().sum() > 0, "no gradient reached the input"
    for name, parameter in module.named_parameters():
        assert parameter.grad is not None, name
        assert parameter.grad.abs().sum() > 0, f"{name} got a zero gradient"


def with_state(case, args, state):
    """The call arguments with ``state`` in the state's place (the last one)."""
    return (*args[:-1], state) if args[-1] is None else (*args, state)


NEURON_CASES = [case for case in CASES if case.kind in ("cell", "layer") and isinstance(built(case), NeuronModule)]
NEURON_IDS = [case.name for case in NEURON_CASES]


@pytest.mark.parametrize("case", NEURON_CASES, ids=NEURON_IDS)
def test_a_call_leaves_its_input_and_state_unchanged(case):
    module = built(case)
    args = fresh_inputs(case)
    _, state = run(module, args)
    before = [leaf.clone() for _, leaf in named_leaves((args, state)) if isinstance(leaf, torch.Tensor)]
    _, new_state = run(module, with_state(case, args, state))
    after = [leaf for _, leaf in named_leaves((args, state)) if isinstance(leaf, torch.Tensor)]
    assert all(torch.equal(a, b) for a, b in zip(before, after, strict=True))
    assert any(not torch.equal(a, b) for (_, a), (_, b) in zip(named_leaves(state), named_leaves(new_state)))


@pytest.mark.parametrize("case", NEURON_CASES, ids=NEURON_IDS)
def test_initial_state_is_shaped_like_the_state_of_one_step(case):
    module = built(case)
    args = fresh_inputs(case)
    _, state = run(module, args)
    initial = module.initial_state(args[0])
    assert type(initial) is type(state)
    assert [(name, leaf.shape) for name, leaf in named_leaves(initial)] == [
        (name, leaf.shape) for name, leaf in named_leaves(state)
    ]


def feed_forward_sibling(case):
    name = case.name.replace("Recurrent", "")
    return CASES_BY_NAME.get(name) if isinstance(built(case), RecurrentLayer) else None


RECURRENT_LAYERS = [case for case in CASES if feed_forward_sibling(case) is not None]


@pytest.mark.parametrize("case", RECURRENT_LAYERS, ids=[case.name for case in RECURRENT_LAYERS])
def test_recurrent_layer_with_identity_input_and_no_recurrence_equals_the_feed_forward_layer(case):
    """With ``W_in = I`` (padded to ``(hidden, input)``) and ``W_rec = 0`` the recurrent layer is its
    feed-forward layer (given the same neuron parameters) on ``W_in x``: the same spikes and the same
    feed-forward state fields."""
    recurrent, feed_forward = built(case).double(), built(feed_forward_sibling(case)).double()
    with torch.no_grad():
        recurrent.input_weights.copy_(torch.eye(*recurrent.input_weights.shape))
        recurrent.recurrent_weights.zero_()
        recurrent_buffers = dict(recurrent.named_buffers())
        for name, buffer in feed_forward.named_buffers():
            buffer.copy_(recurrent_buffers[name])
    x = fresh_inputs(case, dtype=torch.float64)[0]
    z_rec, s_rec = recurrent(x)
    z_ff, s_ff = feed_forward(torch.nn.functional.linear(x, recurrent.input_weights))
    assert z_ff.sum() > 0
    assert torch.equal(z_rec, z_ff)
    for field in s_ff._fields:
        assert torch.equal(getattr(s_rec, field), getattr(s_ff, field)), field
