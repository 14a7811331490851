"""W4's floor in the bench: the network's stateless layers on one step, in torch and in
onnxruntime; values asserted, no timing."""

import torch
from torch import nn

from snn_deploy.benchmarks.step_floor import onnxruntime_step_floor_call, stateless_layers, torch_step_floor_call
from snn_deploy.benchmarks.workloads import w2_network


def test_stateless_layers_are_the_lifted_modules_in_order():
    network = w2_network()
    layers = stateless_layers(network)
    assert [type(layer) for layer in layers] == [
        nn.Conv2d,
        nn.MaxPool2d,
        nn.Conv2d,
        nn.MaxPool2d,
        nn.Flatten,
        nn.Linear,
    ]
    assert layers[0] is network[0].lifted_module and layers[5] is network[7].lifted_module


def test_both_floors_compute_the_stateless_layers_on_the_first_step():
    torch.manual_seed(0)
    network = w2_network().eval()
    x = (torch.rand(3, 1, 2, 32, 32, generator=torch.Generator().manual_seed(1)) < 0.1).float()
    with torch.no_grad():
        expected = stateless_layers(network)(x[0])
    assert expected.shape == (1, 10)
    torch.testing.assert_close(torch_step_floor_call(network, x)(), expected)
    onnx_call = onnxruntime_step_floor_call(network, x)
    assert onnx_call is not None
    (output,) = onnx_call()
    torch.testing.assert_close(torch.from_numpy(output), expected, rtol=1e-4, atol=1e-5)
    assert onnxruntime_step_floor_call(network, x.to("meta")) is None
