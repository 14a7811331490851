"""norse 1.1's ``ConvNet`` and ``ConvNet4``: two LIF convolution layers, a LIF linear layer and a
leaky-integrator readout, over a sequence ``(T, batch, channels, H, W)``; returns the readout
voltages ``(T, batch, 10)``. Same submodule names as norse, so norse's ``state_dict`` loads. The
time loop unrolls (the sequence length is fixed when compiling or exporting)."""

from typing import Optional

import torch
from torch import Tensor, nn

from snn_deploy.functional.lif import LIFParameters
from snn_deploy.module.leaky_integrator import LILinearCell
from snn_deploy.module.lif import LIFCell


class _LIFConvNet(nn.Module):
    r"""conv :math:`5 \times 5` → LIF → max-pool 2 → :math:`10 \times` conv :math:`5 \times 5` → LIF →
    max-pool 2 → linear → LIF → ReLU → leaky-integrator readout of 10, one time step at a time."""

    def __init__(
        self,
        num_channels: int,
        feature_size: int,
        method: str,
        dtype: torch.dtype,
        widths: tuple[int, int, int],
        conv_v_th: Optional[float],
    ):
        super().__init__()
        conv1, conv2, hidden = widths
        self.features = int(((feature_size - 4) / 2 - 4) / 2)
        self.conv1 = nn.Conv2d(num_channels, conv1, 5, 1)
        self.conv2 = nn.Conv2d(conv1, conv2, 5, 1)
        self.fc1 = nn.Linear(self.features * self.features * conv2, hidden)
        self.out = LILinearCell(hidden, 10)
        conv_p = LIFParameters(method=method, alpha=100.0)
        if conv_v_th is not None:
            conv_p = conv_p._replace(v_th=torch.as_tensor(conv_v_th))
        self.lif0 = LIFCell(p=conv_p)
        self.lif1 = LIFCell(p=conv_p)
        self.lif2 = LIFCell(p=LIFParameters(method=method, alpha=100.0))
        self.dtype = dtype

    def forward(self, x: Tensor) -> Tensor:
        s0 = s1 = s2 = so = None
        voltages = []
        for ts in range(x.shape[0]):
            z, s0 = self.lif0(self.conv1(x[ts]), s0)
            z = torch.nn.functional.max_pool2d(z, 2, 2)
            z, s1 = self.lif1(10 * self.conv2(z), s1)
            z = torch.nn.functional.max_pool2d(z, 2, 2).flatten(1)
            z, s2 = self.lif2(self.fc1(z), s2)
            v, so = self.out(torch.nn.functional.relu(z), so)
            voltages.append(v)
        return torch.stack(voltages).to(self.dtype)


class ConvNet(_LIFConvNet):
    """norse's ``ConvNet``: 20 and 50 convolution channels, 500 hidden LIF neurons."""

    def __init__(
        self, num_channels: int = 1, feature_size: int = 28, method: str = "super", dtype: torch.dtype = torch.float
    ):
        super().__init__(num_channels, feature_size, method, dtype, (20, 50, 500), None)


class ConvNet4(_LIFConvNet):
    """norse's ``ConvNet4``: 32 and 64 convolution channels (LIF threshold 0.7), 1024 hidden LIF neurons."""

    def __init__(
        self, num_channels: int = 1, feature_size: int = 28, method: str = "super", dtype: torch.dtype = torch.float
    ):
        super().__init__(num_channels, feature_size, method, dtype, (32, 64, 1024), 0.7)
