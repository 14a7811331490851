"""The standard workloads W1-W4 and ON (see ``shared/bench/workloads.md``), at full and quick size.

Each workload builds a model with snn_deploy modules and its input, float32, time-major.
"""

from dataclasses import dataclass, field
from typing import Callable, Dict, Optional, Tuple

import torch
from torch import Tensor, nn

import snn_deploy as snn
from snn_deploy.benchmarks.matmul import matmul_floor_call, onnxruntime_matmul_floor_call
from snn_deploy.benchmarks.stateless_floor import onnxruntime_layers_floor_call, torch_layers_floor_call

FloorCall = Callable[[nn.Module, Tensor], Optional[Callable[[], object]]]


@dataclass(frozen=True)
class Workload:
    """``build(device) -> (model, input)``; ``units`` counts what one call processes (for rates);
    ``floors`` name the workload's floor calls: ``floor(model, input)`` returns the call timed as
    that floor (``None`` where it does not apply, e.g. onnxruntime off the CPU); the fastest is the
    workload's floor."""

    name: str
    description: str
    build: Callable[[torch.device], Tuple[nn.Module, Tensor]]
    units: int
    unit_name: str
    streaming: bool = False
    training: bool = False
    floors: Dict[str, FloorCall] = field(default_factory=dict)


def _bernoulli(shape: Tuple[int, ...], rate: float, device: torch.device) -> Tensor:
    generator = torch.Generator().manual_seed(0)
    return (torch.rand(shape, generator=generator) < rate).float().to(device)


def w2_network() -> nn.Module:
    """Conv2d(2,32,3,p=1) -> LIF -> MaxPool2d(2) -> Conv2d(32,64,3,p=1) -> LIF -> MaxPool2d(2)
    -> Flatten -> Linear(4096,10) -> LI, over time."""
    return snn.SequentialState(
        snn.Lift(nn.Conv2d(2, 32, 3, padding=1)),
        snn.LIF(),
        snn.Lift(nn.MaxPool2d(2)),
        snn.Lift(nn.Conv2d(32, 64, 3, padding=1)),
        snn.LIF(),
        snn.Lift(nn.MaxPool2d(2)),
        snn.Lift(nn.Flatten()),
        snn.Lift(nn.Linear(4096, 10)),
        snn.LI(),
    )


def workloads(quick: bool) -> Dict[str, Workload]:
    """W1-W4 and ON; ``quick`` shrinks every shape so a smoke run takes seconds."""
    torch.manual_seed(0)
    t1, b1, n1 = (16, 8, 512) if quick else (256, 64, 4096)
    t2, b2 = (4, 4) if quick else (32, 32)
    t3, b3 = (10, 8) if quick else (100, 32)
    steps4 = 50 if quick else 1000
    n_on, b_on, t_on = (256, 4, 10) if quick else (16384, 16, 500)

    def w1(device):
        return snn.LIF().to(device), (2.0 * torch.rand(t1, b1, n1, generator=torch.Generator().manual_seed(0))).to(
            device
        )

    def w2(device):
        return w2_network().to(device), _bernoulli((t2, b2, 2, 32, 32), 0.1, device)

    def w3(device):
        return snn.LIFRecurrent(256, 512).to(device), _bernoulli((t3, b3, 256), 0.1, device)

    def w4(device):
        return w2_network().to(device), _bernoulli((steps4, 1, 2, 32, 32), 0.1, device)

    def on(device):
        model = snn.SequentialState(snn.Lift(nn.Linear(n_on, n_on)), snn.LIF()).to(device)
        return model, torch.randn(t_on, b_on, n_on, generator=torch.Generator().manual_seed(0)).to(device)

    return {
        "W1": Workload(
            "W1",
            f"LIF dynamics T={t1} B={b1} N={n1}",
            w1,
            t1 * b1 * n1,
            "neuron-steps",
            floors={"floor": lambda _, x: floor_call(x)},
        ),
        "W2": Workload(
            "W2",
            f"conv SNN T={t2} B={b2} 2x32x32",
            w2,
            b2,
            "samples",
            floors={
                "floor torch": lambda model, x: torch_layers_floor_call(model, x.flatten(0, 1)),
                "floor onnxruntime": lambda model, x: onnxruntime_layers_floor_call(model, x.flatten(0, 1)),
            },
        ),
        "W3": Workload(
            "W3",
            f"recurrent LIF 256->512 T={t3} B={b3}",
            w3,
            b3,
            "samples",
            floors={"floor torch": matmul_floor_call, "floor onnxruntime": onnxruntime_matmul_floor_call},
        ),
        "W4": Workload(
            "W4",
            f"W2 streaming B=1, {steps4} steps",
            w4,
            steps4,
            "steps",
            streaming=True,
            floors={
                "floor torch": lambda model, x: torch_layers_floor_call(model, x[0]),
                "floor onnxruntime": lambda model, x: onnxruntime_layers_floor_call(model, x[0]),
            },
        ),
        "ON": Workload("ON", f"Linear({n_on})->LIF fwd+bwd B={b_on} T={t_on}", on, b_on, "samples", training=True),
    }


def floor_call(x: Tensor) -> Callable[[], object]:
    """The W1 floor: one pass that reads T*B*N floats and writes T*B*N values."""
    y = torch.empty_like(x, dtype=torch.bool)
    return lambda: torch.gt(x, 0.5, out=y)
