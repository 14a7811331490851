"""norse 1.1's model zoo (snn_deploy.zoo): norse's ConvNet checkpoint and output (fixture from
tests/fixtures/norse_extras/make_zoo_fixture.py), shapes, and compile fullgraph."""

import pathlib

import torch

from snn_deploy.zoo import ConvNet, ConvNet4

FIXTURE = torch.load(pathlib.Path(__file__).parent / "fixtures" / "norse_extras" / "convnet.pt", weights_only=True)


def test_convnet_loads_norses_state_dict_and_gives_its_voltages():
    model = ConvNet(feature_size=16)
    model.load_state_dict({k.removeprefix("state/"): v for k, v in FIXTURE.items() if k.startswith("state/")})
    with torch.no_grad():
        y = model(FIXTURE["x"])
    assert FIXTURE["y"].abs().sum() > 0
    torch.testing.assert_close(y, FIXTURE["y"])


def test_convnets_have_norses_shapes_and_compile_without_graph_breaks():
    for model in (ConvNet(), ConvNet4()):
        x = torch.randn(2, 1, 1, 28, 28)
        with torch.no_grad():
            y = model(x)
            assert y.shape == (2, 1, 10)
            torch.testing.assert_close(torch.compile(model, fullgraph=True, backend="aot_eager")(x), y)
    torch.testing.assert_close(ConvNet4().lif0.p.v_th, torch.tensor(0.7))
    assert ConvNet().lif0.p.v_th.item() == 1.0
