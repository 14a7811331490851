"""Cases of the receptive-field modules: the spatial ones on ``(T, B, C, H, W)`` inputs (time folds
into the batch), the temporal one a cell on ``(B, C, H, W)``."""

import torch
from case_tools import B, Case, T, current

import snn_deploy as snn

ROWS = [[1.0, 0.5, 1.0, 0.0, 0.0], [2.0, 0.3, 0.5, 1.0, 0.0]]
SCALES, ANGLES, RATIOS = [1.0, 2.0], [0.0, 1.0], [0.5, 1.0]

CASES = [
    Case(
        "SpatialReceptiveField2d",
        lambda: snn.SpatialReceptiveField2d(2, 5, torch.tensor(ROWS), padding=1),
        current(T, B, 2, 8, 8, scale=1.0),
        "stateless",
        spiking=False,
    ),
    Case(
        "SampledSpatialReceptiveField2d",
        lambda: snn.SampledSpatialReceptiveField2d(
            2, 5, torch.tensor(SCALES), torch.tensor(ANGLES), torch.tensor(RATIOS), [(0, 0), (1, 0)]
        ),
        current(T, B, 2, 8, 8, scale=1.0),
        "stateless",
        spiking=False,
    ),
    Case(
        "ParameterizedSpatialReceptiveField2d",
        lambda: snn.ParameterizedSpatialReceptiveField2d(
            2, 5, torch.tensor(SCALES), torch.tensor(ANGLES), torch.tensor(RATIOS), [(0, 0), (1, 0)]
        ),
        current(T, B, 2, 8, 8, scale=1.0),
        "stateless",
        spiking=False,
    ),
    Case(
        "TemporalReceptiveField",
        lambda: snn.TemporalReceptiveField((2, 4, 4), n_scales=3),
        current(B, 2, 4, 4, scale=1.0),
        "cell",
        spiking=False,
    ),
]
