"""compile_model: fullgraph compile with the time loop fused, equal to eager."""

import torch

import snn_deploy as snn
from helpers import assert_same_outputs
from snn_deploy.compile import FUSE_TIME_LOOP


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
