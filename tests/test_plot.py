"""snn_deploy.plot: what is drawn is the data (spike positions, voltage lines), from numpy and torch."""

import numpy as np
import pytest
import torch

from snn_deploy import plot

SPIKES = np.zeros((5, 1, 2, 2), dtype=np.float32)  # (T, batch 1, 2x2 neurons)
SPIKES[0, 0, 0, 1] = SPIKES[3, 0, 1, 1] = SPIKES[4, 0, 0, 0] = 1  # neurons 1, 3 and 0 after flattening


def test_raster_puts_a_dot_at_each_spike():
    for spikes in (SPIKES, torch.from_numpy(SPIKES)):
        ax = plot.spike_raster(spikes)
        dots = ax.collections[0].get_offsets()
        assert sorted(map(tuple, np.asarray(dots).tolist())) == [(0.0, 1.0), (3.0, 3.0), (4.0, 0.0)]
        assert ax.get_title() == "3 spikes from 4 neurons" and ax.get_ylim() == (-0.5, 3.5)


def test_voltage_traces_draw_one_line_per_neuron():
    voltages = torch.linspace(0, 1, 12).reshape(4, 1, 3)
    ax = plot.voltage_traces(voltages, title="readout")
    lines = ax.get_lines()
    assert len(lines) == 3 and ax.get_title() == "readout"
    np.testing.assert_allclose(lines[2].get_ydata(), voltages[:, 0, 2].numpy())
    np.testing.assert_array_equal(lines[2].get_xdata(), [0, 1, 2, 3])


def test_layer_panels_pick_raster_or_traces_and_save(tmp_path):
    voltages = np.array([[0.1, 0.4], [0.3, 0.2], [0.0, 0.9], [0.2, 0.2], [0.5, 0.1]])
    figure = plot.layer_panels([("input", SPIKES), ("LI", voltages)], titles=[None, "class 1 wins"])
    first, second = figure.axes
    assert len(first.collections) == 1 and not first.get_lines() and first.get_title() == "3 spikes from 4 neurons"
    assert len(second.get_lines()) == 2 and second.get_title() == "class 1 wins"
    assert second.get_ylabel() == "LI\nvoltage"
    figure.savefig(tmp_path / "panels.png")
    import matplotlib.image

    picture = matplotlib.image.imread(tmp_path / "panels.png")
    assert picture.shape[:2] == (440, 800) and picture.std() > 0.05  # 8 x 4.4 inches at 100 dpi, not blank


def test_bad_values_are_clear_errors():
    with pytest.raises(
        ValueError, match=r"spike_raster: expected values with a non-empty time axis first, got shape \(0,\)"
    ):
        plot.spike_raster(np.zeros(0))
    with pytest.raises(ValueError, match="expected at least one"):
        plot.layer_panels([])
