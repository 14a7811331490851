"""The conv SNN floors in the bench: the network's stateless layers on a batch (W2: all steps
folded into it, W4: one step), in torch and in onnxruntime; values asserted, no timing."""

import torch
from torch import nn

from snn_deploy.benchmarks.stateless_floor import (
    onnxruntime_layers_floor_call,
    stateless_layers,
    torch_layers_floor_call,
)
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


def test_both_floors_compute_the_stateless_layers_on_their_batch():
    torch.manual_seed(0)
    network = w2_network().eval()
    inputs = (torch.rand(3, 2, 32, 32, generator=torch.Generator().manual_seed(1)) < 0.1).float()
    with torch.no_grad():
        expected = stateless_layers(network)(inputs)
    assert expected.shape == (3, 10)
    torch.testing.assert_close(torch_layers_floor_call(network, inputs)(), expected)
    onnx_call = onnxruntime_layers_floor_call(network, inputs)
    assert onnx_call is not None
    (output,) = onnx_call()
    torch.testing.assert_close(torch.from_numpy(output), expected, rtol=1e-4, atol=1e-5)
    assert onnxruntime_layers_floor_call(network, inputs.to("meta")) is None


def test_w2_floors_fold_the_steps_into_the_batch_and_w4_floors_take_one_step():
    from snn_deploy.benchmarks.workloads import workloads

    table = workloads(quick=True)
    model, x = table["W2"].build(torch.device("cpu"))
    assert set(table["W2"].floors) == {"floor torch", "floor onnxruntime"}
    assert table["W2"].floors["floor torch"](model, x)().shape == (x.shape[0] * x.shape[1], 10)
    model, x = table["W4"].build(torch.device("cpu"))
    assert table["W4"].floors["floor torch"](model, x)().shape == (1, 10)
