"""The per-sample output shape of one imported node for a given input shape, worked out from its
sizes before the node runs: a :class:`NIRError` naming the node when the input does not fit, and a
size known in advance, so that a node cannot allocate more than the import allows (a convolution
padded by a million, a weight applied along an axis of a million).

``Linear`` maps the last axis; a convolution or pooling window takes ``(channels, *spatial)``,
each spatial size becoming ``(size + 2 padding - dilation (kernel - 1) - 1) // stride + 1``;
``Flatten`` joins axes ``start_dim`` to ``end_dim`` of the sample; every other node is elementwise:
its parameters must broadcast onto the input without growing it.
"""

import math
from typing import List, Sequence, Union

import nir
import numpy as np
from torch import nn

from snn_deploy.nir import nodes
from snn_deploy.nir.errors import NIRError, node_error


def _misfit(name: str, node: nir.NIRNode, shape: List[int], reason: str) -> NIRError:
    return node_error(name, node, f"does not fit its input of shape {shape}: {reason}")


def _windows(
    name: str,
    node: nir.NIRNode,
    shape: List[int],
    kernel: Sequence[int],
    stride: Sequence[int],
    padding: Union[str, Sequence[int]],
    dilation: Sequence[int],
) -> List[int]:
    """The spatial sizes after a window of ``kernel`` over the spatial sizes ``shape``."""
    if padding == "same":
        return list(shape)
    pads: List[int] = [0] * len(kernel) if isinstance(padding, str) else list(padding)  # "valid": none
    sizes = [
        (size + 2 * pad - spread * (k - 1) - 1) // step + 1
        for size, k, step, pad, spread in zip(shape, kernel, stride, pads, dilation)
    ]
    if min(sizes) < 1:
        raise _misfit(name, node, shape, f"the window (kernel_size {list(kernel)}) is larger than the padded input")
    return sizes


def _need_axes(name: str, node: nir.NIRNode, shape: List[int], axes: int, what: str) -> None:
    if len(shape) != axes:
        raise _misfit(name, node, shape, f"expected a sample of shape ({what})")


def _flatten(name: str, node: nir.NIRNode, module: nodes.SampleFlatten, shape: List[int]) -> List[int]:
    # SampleFlatten counts a non-negative dim past the batch axis
    start, end = (dim - 1 if dim > 0 else dim for dim in (module.start_dim, module.end_dim))
    first, last = (dim + len(shape) if dim < 0 else dim for dim in (start, end))
    if not 0 <= first <= last < len(shape):
        raise _misfit(name, node, shape, f"'start_dim' {start} to 'end_dim' {end} is not a range of its axes")
    return shape[:first] + [math.prod(shape[first : last + 1])] + shape[last + 1 :]


def output_shape(name: str, node: nir.NIRNode, module: nn.Module, shape: List[int]) -> List[int]:
    """The output shape of ``module`` (imported from ``node``) for an input of sample shape ``shape``."""
    layer = module.module if isinstance(module, nodes.StatelessNode) else module
    if isinstance(layer, nn.Linear):
        if not shape or shape[-1] != layer.in_features:
            raise _misfit(name, node, shape, f"the weight takes {layer.in_features} features in the last axis")
        return shape[:-1] + [layer.out_features]
    if isinstance(layer, (nn.Conv1d, nn.Conv2d)):
        spatial = len(layer.kernel_size)
        _need_axes(name, node, shape, 1 + spatial, "channels, " + ", ".join(["size"] * spatial))
        if shape[0] != layer.in_channels:
            raise _misfit(name, node, shape, f"the weight takes {layer.in_channels} input channels")
        windows = _windows(name, node, shape[1:], layer.kernel_size, layer.stride, layer.padding, layer.dilation)
        return [layer.out_channels] + windows
    if isinstance(layer, (nn.AvgPool2d, nodes.SumPool2d)):
        _need_axes(name, node, shape, 3, "channels, height, width")
        pool: Sequence[int] = layer.kernel_size  # type: ignore[assignment]  # lists of two ints (node_import)
        stride: Sequence[int] = layer.stride  # type: ignore[assignment]
        padding: Sequence[int] = layer.padding  # type: ignore[assignment]
        return shape[:1] + _windows(name, node, shape[1:], pool, stride, padding, [1, 1])
    if isinstance(layer, nodes.SampleFlatten):
        return _flatten(name, node, layer, shape)
    for parameter_name, tensor in module.named_buffers():
        try:
            fits = list(np.broadcast_shapes(tuple(tensor.shape), tuple(shape))) == shape
        except ValueError:
            fits = False
        if not fits:
            field = parameter_name.rsplit(".", 1)[-1]
            raise _misfit(name, node, shape, f"its parameter {field} has shape {list(tensor.shape)}")
    return shape
