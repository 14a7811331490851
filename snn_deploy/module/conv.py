"""``LConv2d``: a 2-D convolution applied at every time step, as one 3-D convolution."""

import torch
import torch.nn.functional as F
from torch import Tensor, nn
from torch.nn.common_types import _size_2_t
from torch.nn.modules.utils import _pair

from snn_deploy.module.lift import check_lifted_input


class LConv2d(nn.Conv3d):
    """2-D convolution (no bias) of each step of a ``(T, N, C_in, H, W)`` input, giving
    ``(T, N, C_out, H_out, W_out)``. The weight is a ``Conv3d`` weight with a time kernel of 1,
    so checkpoints are interchangeable with norse's ``LConv2d``."""

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: _size_2_t,
        stride: _size_2_t = 1,
        padding: _size_2_t = 0,
        dilation: _size_2_t = 1,
        groups: int = 1,
        device=None,
        dtype=None,
    ):
        super().__init__(
            in_channels,
            out_channels,
            (*_pair(kernel_size), 1),
            (*_pair(stride), 1),
            (*_pair(padding), 0),
            (*_pair(dilation), 1),
            groups,
            bias=False,
            padding_mode="zeros",
            device=device,
            dtype=dtype,
        )

    def forward(self, input_tensor: Tensor) -> Tensor:
        if not torch.jit.is_scripting():
            input_tensor = check_lifted_input(self, input_tensor, self.weight.dtype)
            if input_tensor.dim() != 5 or input_tensor.shape[2] != self.in_channels or input_tensor.shape[0] == 0:
                raise ValueError(
                    f"LConv2d: expected an input of shape (time, batch, {self.in_channels}, height, width) "
                    f"with at least one time step, got {tuple(input_tensor.shape)}"
                )
        output = F.conv3d(
            input_tensor.permute(1, 2, 3, 4, 0),
            self.weight,
            None,
            self.stride,
            self.padding,
            self.dilation,
            self.groups,
        )
        return output.permute(4, 0, 1, 2, 3)
