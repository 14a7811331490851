"""Example 2: a recurrent SNN (``LIFRecurrent``) that reads each digit row by row as a time series.

Each of the 8 rows is presented for ``STEPS_PER_ROW`` steps as 8 input currents to a
``LIFRecurrent`` layer; ``Lift(Linear) -> LI`` reads it out, and the class score is the readout's
voltage at the last step, after the whole digit has been read.
"""

from torch import Tensor, nn

import snn_deploy as snn

NAME = "recurrent_digits"
STEPS_PER_ROW = 3
TIME_STEPS = 8 * STEPS_PER_ROW
HIDDEN = 256
EPOCHS = 60
LEARNING_RATE = 5e-3
BATCH_SIZE = 32
TARGET_ACCURACY = 0.90
READOUT = "last"
INPUT_GAIN = 8.0
# A wider SuperSpike surrogate than the default alpha=100 trains this network better
# (128 hidden neurons, 2 steps per row, 25 epochs: 82% test accuracy at alpha=100, 87% at 10).
SURROGATE_ALPHA = 10.0


def encode(images: Tensor) -> Tensor:
    """(N, 8, 8) intensities -> (T, N, 8): row r is the input at steps r*S .. r*S+S-1."""
    rows = images.permute(1, 0, 2) * (INPUT_GAIN / 16.0)
    return rows.repeat_interleave(STEPS_PER_ROW, dim=0)


def build_model() -> nn.Module:
    return snn.SequentialState(
        snn.LIFRecurrent(8, HIDDEN, snn.LIFParameters(alpha=SURROGATE_ALPHA)),
        snn.Lift(nn.Linear(HIDDEN, 10)),
        snn.LI(),
    )
