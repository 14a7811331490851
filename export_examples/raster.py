"""A spike-raster picture of one sample going through a network, layer by layer."""

from pathlib import Path
from typing import List, Tuple

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402
from torch import Tensor, nn  # noqa: E402


def record_layers(model: nn.Module, sample: Tensor) -> List[Tuple[str, np.ndarray]]:
    """Run ``sample`` (T, 1, ...) through a ``SequentialState`` and return every stateful layer's
    output over time as (T, neurons), captured with ``register_forward_state_hooks``."""
    recorded: List[Tuple[str, np.ndarray]] = []

    def hook(module: nn.Module, inputs, output) -> None:
        values = output[0].detach().reshape(output[0].shape[0], -1).cpu().numpy()
        recorded.append((type(module).__name__, values))

    model.register_forward_state_hooks(hook)
    try:
        with torch.no_grad():
            model(sample)
    finally:
        model.remove_forward_state_hooks()
    return recorded


def plot_raster(sample: Tensor, layers: List[Tuple[str, np.ndarray]], label: int, predicted: int, path: Path) -> None:
    """Input spikes, each spiking layer's raster and the readout voltages, one panel each."""
    inputs = sample.reshape(sample.shape[0], -1).cpu().numpy()
    panels = [("input", inputs)] + layers
    figure, axes = plt.subplots(len(panels), 1, figsize=(8, 2.2 * len(panels)), sharex=True)
    for axis, (name, values) in zip(axes, panels):
        is_spikes = np.isin(values, (0.0, 1.0)).all()
        if is_spikes:
            steps, neurons = np.nonzero(values)
            axis.scatter(steps, neurons, s=4, marker="|", color="black")
            axis.set_ylabel(f"{name}\nneuron")
            axis.set_title(f"{name}: {int(values.sum())} spikes from {values.shape[1]} neurons", fontsize=9)
        else:
            axis.plot(values)
            axis.set_ylabel(f"{name}\nvoltage")
            axis.set_title(f"{name} readout: class {predicted} wins (label {label})", fontsize=9)
    axes[-1].set_xlabel("time step")
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=90)
    plt.close(figure)
