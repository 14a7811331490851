"""Stateless decoders (norse 1.1's ``decode``): aggregate a spike sequence over its time dimension."""

from torch import Tensor


def sum_decode(tensor: Tensor, dimension: int = 0) -> Tensor:
    """The sum of ``tensor`` over ``dimension`` (the first, time, by default)."""
    return tensor.sum(dimension)
