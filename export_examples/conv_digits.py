"""Example 1: a convolutional SNN classifier of the digits, over T steps of LIF-encoded pixels.

Pixels (intensity 0..16) drive a ``ConstantCurrentLIFEncoder``, whose spikes feed
``Lift(Conv2d) -> LIF -> Lift(MaxPool2d) -> Lift(Conv2d) -> LIF -> Lift(MaxPool2d) -> Lift(Linear) -> LI``.
The class score is the LI readout's maximum voltage over time.
"""

from torch import Tensor, nn

import snn_deploy as snn

NAME = "conv_digits"
TIME_STEPS = 16
EPOCHS = 18
LEARNING_RATE = 5e-3
BATCH_SIZE = 32
TARGET_ACCURACY = 0.95
READOUT = "max"


def encode(images: Tensor) -> Tensor:
    """(N, 8, 8) intensities -> (T, N, 1, 8, 8) spikes of LIF neurons driven by the intensity."""
    return snn.ConstantCurrentLIFEncoder(TIME_STEPS)(images.unsqueeze(1))


def build_model() -> nn.Module:
    return snn.SequentialState(
        snn.Lift(nn.Conv2d(1, 16, 3, padding=1)),
        snn.LIF(),
        snn.Lift(nn.MaxPool2d(2)),
        snn.Lift(nn.Conv2d(16, 32, 3, padding=1)),
        snn.LIF(),
        snn.Lift(nn.MaxPool2d(2)),
        snn.Lift(nn.Flatten()),
        snn.Lift(nn.Linear(32 * 2 * 2, 10)),
        snn.LI(),
    )
