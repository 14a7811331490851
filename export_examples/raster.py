"""A spike-raster picture of one sample going through a network, layer by layer."""

from pathlib import Path
from typing import List, Tuple

import numpy as np
import torch
from torch import Tensor, nn

from snn_deploy import plot


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
    panels = [("input", sample)] + layers
    titles = [None] * (len(panels) - 1) + [f"{panels[-1][0]} readout: class {predicted} wins (label {label})"]
    path.parent.mkdir(parents=True, exist_ok=True)
    plot.layer_panels(panels, titles).savefig(path, dpi=90)
