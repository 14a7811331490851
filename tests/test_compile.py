"""compile_model: fullgraph compile with the time loop fused, equal to eager."""

import pytest
import torch
from helpers import assert_same_outputs

import snn_deploy as snn
from snn_deploy.compile import FUSE_TIME_LOOP, ChunkedTimeLoop


def test_compile_model_equals_eager_and_keeps_user_options():
    torch.manual_seed(0)
    model = snn.SequentialState(snn.Lift(torch.nn.Linear(4, 8)), snn.LIFRecurrent(8, 6), snn.LI())
    x = 30.0 * torch.rand(12, 3, 4)
    compiled = snn.compile_model(model, options={"max_autotune": False})
    assert_same_outputs(compiled(x), model(x))


def test_fusion_options_raise_inductors_limits():
    from torch._inductor import config

    assert FUSE_TIME_LOOP["max_fusion_size"] > config.max_fusion_size
    # None means inductor's built-in default (30 on GPU, 50 on CPU in torch 2.13)
    assert FUSE_TIME_LOOP["realize_opcount_threshold"] > (config.realize_opcount_threshold or 50)
    assert all(hasattr(config, name) for name in FUSE_TIME_LOOP)


def _conv_network() -> torch.nn.Module:
    return snn.SequentialState(
        snn.Lift(torch.nn.Conv2d(2, 4, 3, padding=1)), snn.LIF(), snn.Lift(torch.nn.Flatten()), snn.LI()
    )


def test_time_chunks_give_the_whole_sequence_and_state_for_any_length():
    torch.manual_seed(0)
    model = snn.SequentialState(snn.Lift(torch.nn.Linear(4, 8)), snn.LIFRecurrent(8, 6), snn.LI())
    chunked = snn.compile_model(model, time_chunk=4, dynamic=False)
    assert isinstance(chunked, ChunkedTimeLoop)
    x = 30.0 * torch.rand(11, 3, 4)  # 4 + 4 + a remainder of 3
    with torch.inference_mode():
        assert_same_outputs(chunked(x), model(x))
        _, state = model(x[:5])
        assert_same_outputs(chunked(x[5:], state), model(x[5:], state))
        assert_same_outputs(chunked(x[:3]), model(x[:3]))  # shorter than one chunk


def _gradients(model: torch.nn.Module, run, x: torch.Tensor, state):
    model.zero_grad()
    x.grad = None
    output, _ = run(x, state)
    output.sum().backward()
    return [x.grad.clone(), *[parameter.grad.clone() for parameter in model.parameters()]]


def test_time_chunks_pass_surrogate_gradients_like_eager():
    torch.manual_seed(0)
    model = snn.SequentialState(snn.Lift(torch.nn.Linear(4, 8)), snn.LIF(), snn.LI())
    x = (30.0 * torch.rand(10, 2, 4)).requires_grad_()
    with torch.no_grad():
        _, state = model(30.0 * torch.rand(3, 2, 4))
    chunked = snn.compile_model(model, time_chunk=3)
    for start in (None, state):
        expected = _gradients(model, model, x, start)
        actual = _gradients(model, chunked, x, start)
        assert len(actual) == 3  # the input and the Linear's weight and bias
        for got, want in zip(actual, expected):
            torch.testing.assert_close(got, want)
            assert want.abs().sum() > 0


def test_channels_last_converts_conv_weights_and_keeps_the_values():
    torch.manual_seed(0)
    model = _conv_network()
    x = (torch.rand(6, 2, 2, 5, 5) < 0.3).float() * 5.0
    with torch.inference_mode():
        expected = model(x)
        compiled = snn.compile_model(model, channels_last=True, time_chunk=2)
        assert model[0].lifted_module.weight.is_contiguous(memory_format=torch.channels_last)
        assert_same_outputs(compiled(x), expected)


def test_channels_last_leaves_five_dimensional_weights_alone():
    torch.manual_seed(0)
    model = snn.SequentialState(snn.LConv2d(2, 3, 3, padding=1), snn.LIF())
    x = 5.0 * torch.rand(4, 2, 2, 6, 6)
    with torch.inference_mode():
        expected = model(x)
        assert_same_outputs(snn.compile_model(model, channels_last=True)(x), expected)
    assert model[0].weight.dim() == 5 and model[0].weight.is_contiguous()


def test_chunked_model_must_keep_the_time_axis():
    class LastStep(torch.nn.Module):
        def forward(self, x, state=None):
            return x[-1], state

    with pytest.raises(ValueError, match=r"one step per input step; 2 steps in gave shape \(3, 4\)"):
        snn.compile_model(LastStep(), time_chunk=2)(torch.zeros(5, 3, 4))


@pytest.mark.parametrize("time_chunk", [0, -2, 1.5, True])
def test_bad_time_chunk_is_a_clear_error_before_the_model_changes(time_chunk):
    model = _conv_network()
    with pytest.raises(ValueError, match="time_chunk must be a positive int"):
        snn.compile_model(model, time_chunk=time_chunk, channels_last=True)
    assert model[0].lifted_module.weight.is_contiguous()


def test_chunked_model_rejects_an_input_without_a_time_axis():
    with pytest.raises(ValueError, match=r"expected an input of shape \(time, batch, ...\), got shape \(5,\)"):
        snn.compile_model(snn.LIF(), time_chunk=2)(torch.zeros(5))


@pytest.mark.slow  # compiles many models
def test_many_chunked_models_in_one_process_each_compile():
    torch.manual_seed(0)
    x = 30.0 * torch.rand(5, 2, 3)
    with torch.inference_mode():
        for hidden in range(2, 14):  # more models than dynamo keeps graphs for one code object
            model = snn.SequentialState(snn.Lift(torch.nn.Linear(3, hidden)), snn.LIF())
            assert_same_outputs(snn.compile_model(model, time_chunk=2)(x), model(x))
