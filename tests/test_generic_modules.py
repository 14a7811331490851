"""Every case of the registry: fullgraph compile, TorchScript round trip, float64, CUDA, gradients."""

import io

import pytest
import torch
from case_tools import RNG_SEED, built
from cases import CASES
from helpers import assert_same_outputs, has_spikes

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


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_fullgraph_compile_has_no_graph_breaks_and_equals_eager(case):
    args = fresh_inputs(case)
    explanation = torch._dynamo.explain(built(case))(*args)
    assert explanation.graph_break_count == 0, explanation.break_reasons
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
    for seed in (1, 2):
        scripted = torch.jit.script(built(case))
        buffer = io.BytesIO()
        torch.jit.save(torch.jit.script(built(case)), buffer)
        buffer.seek(0)
        loaded = torch.jit.load(buffer)
        args = fresh_inputs(case, seed)
        expected = run(built(case), args)
        assert_same_outputs(run(scripted, args), expected, exact=True)
        assert_same_outputs(run(loaded, args), expected, exact=True)


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
