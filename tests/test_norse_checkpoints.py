"""norse 1.1 checkpoints and gradients carry over: fixtures made by
``tests/fixtures/norse_checkpoints/make_fixtures.py`` in a scratch venv with norse 1.1."""

import pathlib
import sys

import pytest
import torch

import snn_deploy as snn
from snn_deploy.functional import threshold

FIXTURES = pathlib.Path(__file__).parent / "fixtures" / "norse_checkpoints"
sys.path.insert(0, str(FIXTURES))
from networks import NETWORKS, run  # noqa: E402


def load(name: str) -> dict:
    return torch.load(FIXTURES / f"{name}.pt", weights_only=True)


@pytest.mark.parametrize("name", sorted(NETWORKS))
def test_norse_checkpoint_loads_strictly_and_gives_norse_outputs_and_gradients(name):
    fixture, network = load(name), NETWORKS[name]
    model = network.build(snn)
    model.load_state_dict(fixture["state_dict"], strict=True)
    x = fixture["input"].clone().requires_grad_()
    outputs = run(network, model, x)
    assert torch.equal(outputs, fixture["outputs"]), float((outputs - fixture["outputs"]).abs().max())
    (outputs * fixture["projection"]).sum().backward()
    torch.testing.assert_close(x.grad, fixture["input_grad"], rtol=1e-6, atol=1e-6 * fixture["input_grad"].abs().max())


@pytest.mark.parametrize("name", sorted(NETWORKS))
def test_state_dict_saved_here_has_exactly_norses_keys(name):
    assert list(NETWORKS[name].build(snn).state_dict()) == load(name)["keys"]


def test_surrogate_gradients_equal_norses_for_every_method_and_alpha():
    fixture = torch.load(FIXTURES / "surrogates.pt", weights_only=True)
    assert len(fixture["gradients"]) == 20
    for key, expected in fixture["gradients"].items():
        method, alpha = key.split("/")
        x = fixture["x"].clone().requires_grad_()
        threshold(x, method, float(alpha)).sum().backward()
        torch.testing.assert_close(x.grad, expected, rtol=1e-6, atol=0.0, msg=key)
