"""The workloads W1-W4 written idiomatically in other SNN libraries, to time beside snn_deploy.

``comparator_models(workload, device) -> Dict[str, Comparator]`` maps each of norse, snntorch
and spikingjelly that imports to its version of the workload's network (same layer sizes as
:mod:`snn_deploy.benchmarks.workloads`), on ``device``, in eval mode. A :class:`Comparator` has
the two entry points of :class:`snn_deploy.benchmarks.backends.Runner`:

- ``run(x)`` (W1-W3): the whole time-major float32 input ``(T, B, ...)`` of the workload, returns
  the output sequence ``(T, B, ...)``, state starting from rest at every call;
- ``stream(batch)`` (W4): starts a stream from rest and returns ``step(x_t)``, which takes one
  ``(B, ...)`` step and returns its ``(B, 10)`` output, state carried between calls.

and, for norse and snntorch, ``deployable``: the same network as a plain module that
:mod:`snn_deploy.benchmarks.peer_paths` exports to ONNX and compiles (norse's sequence module's
output; its cells, or snntorch's layers with explicit state, as one step with the state as
tensors). Checked in a scratch environment with the libraries: each path's output equals the
library's eager call (W1-W4, quick size).

The libraries are never dependencies: each is imported lazily, and one that is missing or fails
at import is left out (none importable, or a workload such as ON: an empty dict). An error while
building a network is not caught: it is a changed API, to see rather than to hide.

Neuron parameters are each library's defaults except the membrane decay, set to snn_deploy's
default 0.9 a step (tau_mem = 10 ms at dt = 1 ms; spikingjelly's LIFNode with
``decay_input=False``, so that ``v = 0.9 v + x`` as in snntorch's Leaky). The dynamics still
differ in detail (norse's LIF has a synaptic current); the arithmetic per step is what is compared.
"""

import importlib
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional, cast

import torch
from torch import Tensor, nn

from snn_deploy.benchmarks.peer_paths import FlatStateStep, StepModule, Unrolled

StepFunction = Callable[[Tensor], Tensor]
Factory = Callable[[], nn.Module]
Builders = Dict[str, Callable[[], "Comparator"]]  # workload -> a new Comparator
BETA = 0.9  # membrane decay per step: 1 - dt * tau_mem_inv of snn_deploy's (and norse's) LIF
TAU = 1.0 / (1.0 - BETA)  # spikingjelly's time constant, in steps, for the same decay


@dataclass(frozen=True)
class Comparator:
    """One library's network for a workload: ``run(x)`` for a sequence, or ``stream(batch)``
    giving a per-step function with state carried; the other is None. ``deployable`` is the
    network in the form the deployment paths of :mod:`snn_deploy.benchmarks.peer_paths` take (a
    sequence module, or a ``StepModule`` for W4), or None where the eager call is its best path."""

    model: nn.Module
    run: Optional[Callable[[Tensor], Tensor]] = None
    stream: Optional[Callable[[int], StepFunction]] = None
    deployable: Optional[nn.Module] = None


def comparator_models(workload: str, device: torch.device) -> Dict[str, Comparator]:
    """The importable libraries' versions of ``workload`` ("W1"-"W4"), by library name."""
    found = {}
    for library, builders in _LIBRARIES.items():
        try:
            available = builders()
        except Exception:  # not installed, or broken at import: no comparator
            continue
        if workload in available:
            comparator = available[workload]()
            comparator.model.to(device).eval()
            if comparator.deployable is not None:
                comparator.deployable.to(device).eval()
            found[library] = comparator
    return found


def comparator_versions() -> Dict[str, str]:
    """The version of each comparator library that imports, by name."""
    versions = {}
    for library in _LIBRARIES:
        try:
            versions[library] = getattr(importlib.import_module(library), "__version__", "unknown")
        except Exception:  # not installed, or broken at import
            continue
    return versions


def _w2_layers(lif: Factory, readout: Factory, lift: Callable[[nn.Module], nn.Module] = lambda m: m) -> List[nn.Module]:
    """W2's layers, in the order of :func:`snn_deploy.benchmarks.workloads.w2_network`, with
    the library's ``lif`` and ``readout``; ``lift`` applies a stateless layer over time."""
    return [
        lift(nn.Conv2d(2, 32, 3, padding=1)),
        lif(),
        lift(nn.MaxPool2d(2)),
        lift(nn.Conv2d(32, 64, 3, padding=1)),
        lif(),
        lift(nn.MaxPool2d(2)),
        lift(nn.Flatten()),
        lift(nn.Linear(4096, 10)),
        readout(),
    ]


class _FirstOutput(nn.Module):
    """``model(x)[0]``: the output of a norse sequence module ``model(x) -> (output, state)``."""

    def __init__(self, model: nn.Module):
        super().__init__()
        self.model = model

    def forward(self, x: Tensor) -> Tensor:
        return self.model(x)[0]


def _norse_sequence(model: nn.Module) -> Comparator:
    """A norse sequence module, ``model(x) -> (output, state)``, state from rest."""
    return Comparator(model, run=lambda x: model(x)[0], deployable=_FirstOutput(model))


def _norse_stream(model: nn.Module) -> Comparator:
    """A norse one-step module, ``model(x_t, state) -> (output, state)``, state passed along."""

    def start(batch: int) -> StepFunction:
        state = [None]

        def step(x_t: Tensor) -> Tensor:
            output, state[0] = model(x_t, state[0])
            return output

        return step

    return Comparator(model, stream=start, deployable=FlatStateStep(model))


def _norse() -> Builders:
    """norse.torch: sequence modules (LIF, LIFRecurrent, LI, Lift) over time; its Cell modules
    for one step (W4). State is explicit, so nothing needs resetting."""
    import norse.torch as norse

    return {
        "W1": lambda: _norse_sequence(norse.LIF()),
        "W2": lambda: _norse_sequence(norse.SequentialState(*_w2_layers(norse.LIF, norse.LI, norse.Lift))),
        "W3": lambda: _norse_sequence(norse.LIFRecurrent(256, 512)),
        "W4": lambda: _norse_stream(norse.SequentialState(*_w2_layers(norse.LIFCell, norse.LICell))),
    }


def _snntorch() -> Builders:
    """snntorch: networks of ``init_hidden`` neurons called once per time step in a Python loop,
    after ``utils.reset`` (the loop of its tutorials). The W2 readout is a Leaky that does not
    reset, recorded through its membrane. For the deployment paths, the same layers with the
    state passed explicitly (its tutorials' other form, ``spk, mem = lif(cur, mem)``)."""
    import snntorch as snn
    from snntorch import utils

    class ExplicitStep(StepModule):
        """snntorch layers for one step with explicit state: ``spk, mem = leaky(x, mem)``,
        ``spk, mem = rleaky(x, spk, mem)``; the output is the last layer's, or with
        ``membrane_output`` the last neuron's membrane."""

        def __init__(self, layers: List[nn.Module], membrane_output: bool = False):
            super().__init__()
            self.layers = nn.ModuleList(layers)
            self.membrane_output = membrane_output

        def forward(self, x_t: Tensor, *state: Tensor):
            output, new_state = self.advance(x_t, list(state))
            return (output, *new_state)

        def rest_state(self, x_t: Tensor) -> List[Tensor]:
            with torch.no_grad():
                _, state = self.advance(x_t, None)
            return [torch.zeros_like(tensor) for tensor in state]

        def advance(self, x: Tensor, state: Optional[List[Tensor]]):
            """Through the layers; ``state`` None: every neuron from zero."""
            new_state: List[Tensor] = []
            membrane = x
            for layer in self.layers:
                if isinstance(layer, (snn.RLeaky, snn.Leaky)):
                    count = 2 if isinstance(layer, snn.RLeaky) else 1
                    previous = [torch.zeros_like(x)] * count if state is None else state[len(new_state) :][:count]
                    x, membrane = layer(x, *previous)
                    new_state += [x, membrane] if count == 2 else [membrane]
                else:
                    x = layer(x)
            return (membrane if self.membrane_output else x), new_state

    def leaky() -> nn.Module:
        return snn.Leaky(beta=BETA, init_hidden=True)

    def w2() -> nn.Module:
        def readout() -> nn.Module:
            return snn.Leaky(beta=BETA, init_hidden=True, output=True, reset_mechanism="none")

        return nn.Sequential(*_w2_layers(leaky, readout))

    def w2_explicit() -> ExplicitStep:
        def readout() -> nn.Module:
            return snn.Leaky(beta=BETA, reset_mechanism="none")

        return ExplicitStep(_w2_layers(lambda: snn.Leaky(beta=BETA), readout), membrane_output=True)

    def step_of(net: nn.Module) -> StepFunction:
        def step(x_t: Tensor) -> Tensor:
            output = net(x_t)
            return output[1] if isinstance(output, tuple) else output  # an ``output=True`` readout: (spikes, membrane)

        return step

    def run(net: nn.Module, deployable: ExplicitStep) -> Comparator:
        step = step_of(net)

        def call(x: Tensor) -> Tensor:
            utils.reset(net)
            return torch.stack([step(x_t) for x_t in x])

        return Comparator(net, run=call, deployable=Unrolled(deployable))

    def stream(net: nn.Module, deployable: ExplicitStep) -> Comparator:
        step = step_of(net)

        def start(batch: int) -> StepFunction:
            utils.reset(net)
            return step

        return Comparator(net, stream=start, deployable=deployable)

    def recurrent(**options: Any) -> List[nn.Module]:
        return [nn.Linear(256, 512), snn.RLeaky(beta=BETA, linear_features=512, **options)]

    return {
        # utils.reset only finds neurons among the children of a container
        "W1": lambda: run(nn.Sequential(leaky()), ExplicitStep([snn.Leaky(beta=BETA)])),
        "W2": lambda: run(w2(), w2_explicit()),
        "W3": lambda: run(nn.Sequential(*recurrent(init_hidden=True)), ExplicitStep(recurrent())),
        "W4": lambda: stream(w2(), w2_explicit()),
    }


class _Membrane(nn.Module):
    """The membrane potential of a spikingjelly neuron: ``v_seq`` in multi-step mode, ``v`` in
    single-step mode."""

    def __init__(self, node: nn.Module):
        super().__init__()
        self.node = node

    def forward(self, x: Tensor) -> Tensor:
        self.node(x)
        return cast(Tensor, self.node.v_seq if self.node.step_mode == "m" else self.node.v)


def _spikingjelly() -> Builders:
    """spikingjelly.activation_based: multi-step neurons (``step_mode="m"``) with the stateless
    layers in ``layer.SeqToANNContainer``; single-step ones for W4. State lives in the modules and
    is cleared with ``functional.reset_net`` before each sequence or stream. Its eager call is its
    best path: spikingjelly 2.0 picks its neuron kernels by device itself (Triton or its native
    CUDA kernels on CUDA, the torch multi-step code on the CPU), so it has no ``deployable``."""
    from spikingjelly.activation_based import functional, layer, neuron

    def lif(step_mode: str = "m", **options: Any) -> nn.Module:
        return neuron.LIFNode(tau=TAU, decay_input=False, step_mode=step_mode, **options)

    def readout(step_mode: str) -> Factory:
        # no stateful leaky integrator (NonSpikingLIFNode restarts from rest at every call, so it
        # cannot stream): a LIFNode that never fires, read through its membrane
        return lambda: _Membrane(lif(step_mode, v_threshold=float("inf"), store_v_seq=True))

    def run(net: nn.Module) -> Comparator:
        def call(x: Tensor) -> Tensor:
            functional.reset_net(net)
            return net(x)

        return Comparator(net, run=call)

    def stream(net: nn.Module) -> Comparator:
        def start(batch: int) -> StepFunction:
            functional.reset_net(net)
            return net

        return Comparator(net, stream=start)

    return {
        "W1": lambda: run(lif()),
        "W2": lambda: run(nn.Sequential(*_w2_layers(lif, readout("m"), layer.SeqToANNContainer))),
        # its recurrent idiom (LinearRecurrentContainer's own example): the sub-module gets
        # Linear(256 + 512 -> 256) of [x_t, spikes_{t-1}], then Linear(256 -> 512) -> LIF
        "W3": lambda: run(
            layer.LinearRecurrentContainer(nn.Sequential(nn.Linear(256, 512), lif("s")), 256, 512, step_mode="m")
        ),
        "W4": lambda: stream(nn.Sequential(*_w2_layers(lambda: lif("s"), readout("s")))),
    }


_LIBRARIES: Dict[str, Callable[[], Builders]] = {  # each imports its library
    "norse": _norse,
    "snntorch": _snntorch,
    "spikingjelly": _spikingjelly,
}
