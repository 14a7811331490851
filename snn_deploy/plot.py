"""Spike rasters and voltage traces of outputs over time, with matplotlib (``pip install
"snn_deploy[plot]"``).

Every function takes ``(T, ...)`` numpy arrays or torch tensors (one sample: ``(T, N)``,
``(T, 1, N)`` or ``(T, 1, C, H, W)``; the axes after time are flattened into neurons) and draws
with matplotlib's object API, no pyplot: nothing depends on, or changes, the caller's backend.
"""

from typing import TYPE_CHECKING, Any, Optional, Sequence, Tuple

import numpy as np

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


def _neurons_over_time(values: Any, name: str) -> np.ndarray:
    """``(T, ...)`` numpy or torch -> float ``(T, N)`` numpy."""
    if hasattr(values, "detach"):
        values = values.detach().cpu().numpy()
    values = np.asarray(values)
    if values.ndim < 1 or values.shape[0] == 0:
        raise ValueError(f"{name}: expected values with a non-empty time axis first, got shape {values.shape}")
    return values.reshape(values.shape[0], -1).astype(np.float64)


def is_spikes(values: Any) -> bool:
    """True if every value is 0 or 1."""
    return bool(np.isin(_neurons_over_time(values, "is_spikes"), (0.0, 1.0)).all())


def _new_figure(height: float) -> "Figure":
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise ImportError('snn_deploy.plot needs matplotlib: pip install "snn_deploy[plot]"') from None
    return Figure(figsize=(8, height))


def _new_axes() -> "Axes":
    return _new_figure(2.5).add_subplot()


def spike_raster(spikes: Any, ax: Optional["Axes"] = None, title: Optional[str] = None) -> "Axes":
    """A dot at ``(t, n)`` for every spike (``spikes[t, n] > 0``), on ``ax`` or on a new figure."""
    values = _neurons_over_time(spikes, "spike_raster")
    ax = ax if ax is not None else _new_axes()
    steps, neurons = np.nonzero(values > 0)
    ax.scatter(steps, neurons, s=4, marker="|", color="black")
    ax.set_xlim(-0.5, values.shape[0] - 0.5)
    ax.set_ylim(-0.5, values.shape[1] - 0.5)
    ax.set_xlabel("time step")
    ax.set_ylabel("neuron")
    ax.set_title(title or f"{int((values > 0).sum())} spikes from {values.shape[1]} neurons", fontsize=9)
    return ax


def voltage_traces(voltages: Any, ax: Optional["Axes"] = None, title: Optional[str] = None) -> "Axes":
    """One line per neuron of ``voltages[t, n]`` over time, on ``ax`` or on a new figure."""
    values = _neurons_over_time(voltages, "voltage_traces")
    ax = ax if ax is not None else _new_axes()
    ax.plot(np.arange(values.shape[0]), values)
    ax.set_xlabel("time step")
    ax.set_ylabel("voltage")
    if title:
        ax.set_title(title, fontsize=9)
    return ax


def layer_panels(panels: Sequence[Tuple[str, Any]], titles: Optional[Sequence[Optional[str]]] = None) -> "Figure":
    """One panel per ``(name, values)``, stacked on a shared time axis: a raster where the values
    are spikes, voltage traces otherwise. ``titles`` (``None`` entries keep the default: the spike
    count, or the name) replace the panels' titles. Save with ``figure.savefig(path)``."""
    if not panels:
        raise ValueError("layer_panels: expected at least one (name, values) panel")
    figure = _new_figure(2.2 * len(panels))
    axes = figure.subplots(len(panels), 1, sharex=True, squeeze=False)[:, 0]
    for index, (ax, (name, values)) in enumerate(zip(axes, panels)):
        title = titles[index] if titles else None
        if is_spikes(values):
            spike_raster(values, ax, title=title)
            ax.set_ylabel(f"{name}\nneuron")
        else:
            voltage_traces(values, ax, title=title or name)
            ax.set_ylabel(f"{name}\nvoltage")
        if index < len(panels) - 1:
            ax.set_xlabel("")
    figure.tight_layout()
    return figure
