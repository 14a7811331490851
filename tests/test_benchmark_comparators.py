"""snn_deploy.benchmarks.comparators without the other libraries installed: nothing when none
imports, and the dispatch checked through a stand-in norse (snn_deploy mirrors norse.torch)."""

import importlib
import sys
import types

import pytest
import torch

import snn_deploy
from snn_deploy.benchmarks import comparators
from snn_deploy.benchmarks.comparators import comparator_models
from snn_deploy.benchmarks.workloads import w2_network

CPU = torch.device("cpu")
WORKLOADS = ("W1", "W2", "W3", "W4")
LIBRARY_MODULES = ("norse", "norse.torch", "snntorch", "spikingjelly", "spikingjelly.activation_based")


class _Refuse:
    """A meta-path finder that records, and fails, imports of the comparator libraries."""

    def __init__(self, error: type):
        self.error = error
        self.asked = []

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("norse", "snntorch", "spikingjelly"):
            self.asked.append(name)
            raise self.error(f"{name} refused by the test")
        return None


def _refuse(monkeypatch, error: type) -> _Refuse:
    finder = _Refuse(error)
    for name in LIBRARY_MODULES:
        monkeypatch.delitem(sys.modules, name, raising=False)
    monkeypatch.setattr(sys, "meta_path", [finder, *sys.meta_path])
    return finder


@pytest.mark.parametrize("error", [ImportError, RuntimeError])
def test_libraries_that_fail_to_import_give_no_comparator(monkeypatch, error):
    finder = _refuse(monkeypatch, error)
    assert {name: comparator_models(name, CPU) for name in WORKLOADS} == dict.fromkeys(WORKLOADS, {})
    assert {name.split(".")[0] for name in finder.asked} == {"norse", "snntorch", "spikingjelly"}


def test_importing_the_module_imports_no_library(monkeypatch):
    finder = _refuse(monkeypatch, ImportError)
    importlib.reload(comparators)
    assert finder.asked == []


@pytest.fixture
def norse_only(monkeypatch):
    """``norse.torch`` is snn_deploy (same classes, arguments and numerics); the others are missing."""
    norse = types.ModuleType("norse")
    norse.torch = snn_deploy
    monkeypatch.setitem(sys.modules, "norse", norse)
    monkeypatch.setitem(sys.modules, "norse.torch", snn_deploy)
    for name in LIBRARY_MODULES[2:]:
        monkeypatch.setitem(sys.modules, name, None)  # an import of it raises ImportError


def _norse(workload: str) -> comparators.Comparator:
    torch.manual_seed(0)
    found = comparator_models(workload, CPU)
    assert list(found) == ["norse"]
    assert not found["norse"].model.training
    return found["norse"]


def _spikes(*shape: int, weight: float = 10.0) -> torch.Tensor:
    """Bernoulli(0.3) input spikes of ``weight``, strong enough to make the first LIF layer fire."""
    return weight * (torch.rand(shape, generator=torch.Generator().manual_seed(1)) < 0.3).float()


@pytest.mark.usefixtures("norse_only")
def test_w1_runs_norse_lif_on_the_whole_sequence():
    comparator = _norse("W1")
    x = 2.0 * torch.rand(6, 2, 8, generator=torch.Generator().manual_seed(1))
    output = comparator.run(x)
    assert comparator.stream is None
    assert output.shape == (6, 2, 8)
    torch.testing.assert_close(output, snn_deploy.LIF()(x)[0], rtol=0, atol=0)
    assert 0 < output.sum() < output.numel()  # some spikes, not all


@pytest.mark.usefixtures("norse_only")
def test_w2_is_the_workload_network_with_the_same_weights():
    comparator = _norse("W2")
    torch.manual_seed(0)
    reference = w2_network().eval()
    x = _spikes(3, 2, 2, 32, 32)
    output = comparator.run(x)
    assert output.shape == (3, 2, 10)
    torch.testing.assert_close(output, reference(x)[0], rtol=0, atol=0)
    assert output.abs().min() > 0
    torch.testing.assert_close(comparator.run(x), output, rtol=0, atol=0)  # each run starts from rest


@pytest.mark.usefixtures("norse_only")
def test_w3_is_a_recurrent_lif_256_to_512():
    comparator = _norse("W3")
    torch.manual_seed(0)
    reference = snn_deploy.LIFRecurrent(256, 512)
    x = _spikes(5, 2, 256, weight=20.0)
    output = comparator.run(x)
    assert output.shape == (5, 2, 512)
    torch.testing.assert_close(output, reference(x)[0], rtol=0, atol=0)
    assert output.sum() > 0


@pytest.mark.usefixtures("norse_only")
def test_w4_steps_carry_state_like_the_w2_sequence():
    comparator = _norse("W4")
    torch.manual_seed(0)
    reference = w2_network().eval()
    x = _spikes(4, 1, 2, 32, 32)
    assert comparator.run is None
    step = comparator.stream(1)
    outputs = torch.stack([step(x_t) for x_t in x])
    assert outputs.shape == (4, 1, 10)
    torch.testing.assert_close(outputs, reference(x)[0], rtol=0, atol=0)
    torch.testing.assert_close(comparator.stream(1)(x[0]), outputs[0], rtol=0, atol=0)  # a new stream starts from rest
    assert not torch.allclose(comparator.stream(1)(x[1]), outputs[1])  # the state carried matters
