"""compile_model: fullgraph compile with the time loop fused, equal to eager."""

import pytest
import torch

import snn_deploy as snn
from helpers import assert_same_outputs
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


def test_time_chunks_pass_surrogate_gradients_like_eager():
    torch.manual_seed(0)
    model = snn.SequentialState(snn.Lift(torch.nn.Linear(4, 8)), snn.LIF(), snn.LI())
    x = (30.0 * torch.rand(10, 2, 4)).requires_grad_()
    snn.compile_model(model, time_chunk=3)(x)[0].sum().backward()
    chunked_grad = x.grad.clone()
    x.grad = None
    model(x)[0].sum().backward()
    torch.testing.assert_close(chunked_grad, x.grad)
    assert chunked_grad.abs().sum() > 0


def test_channels_last_converts_conv_weights_and_keeps_the_values():
    torch.manual_seed(0)
    model = _conv_network()
    x = (torch.rand(6, 2, 2, 5, 5) < 0.3).float() * 5.0
    with torch.inference_mode():
        expected = model(x)
        compiled = snn.compile_model(model, channels_last=True, time_chunk=2)
        assert model[0].lifted_module.weight.is_contiguous(memory_format=torch.channels_last)
        assert_same_outputs(compiled(x), expected)


@pytest.mark.parametrize("time_chunk", [0, -2, 1.5, True])
def test_bad_time_chunk_is_a_clear_error(time_chunk):
    with pytest.raises(ValueError, match="time_chunk must be a positive int"):
        snn.compile_model(snn.LIF(), time_chunk=time_chunk)


def test_chunked_model_rejects_an_input_without_a_time_axis():
    with pytest.raises(ValueError, match=r"expected an input of shape \(time, batch, ...\), got shape \(5,\)"):
        snn.compile_model(snn.LIF(), time_chunk=2)(torch.zeros(5))
