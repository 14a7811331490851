"""Wall-clock timing: warm-up, then the median and 99th percentile of repeated runs."""

import time
from dataclasses import dataclass
from typing import Callable, List

import numpy as np


@dataclass(frozen=True)
class Timing:
    """Seconds per call: median and 99th percentile over ``runs`` timed calls."""

    median: float
    p99: float
    runs: int


def measure(
    call: Callable[[], object], repeats: int = 5, warmup: int = 2, synchronize: Callable[[], None] = lambda: None
) -> Timing:
    """Time ``call()``: ``warmup`` untimed calls, then ``repeats`` timed ones (synchronized)."""
    for _ in range(warmup):
        call()
    synchronize()
    seconds: List[float] = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        synchronize()
        seconds.append(time.perf_counter() - start)
    return Timing(float(np.median(seconds)), float(np.percentile(seconds, 99)), repeats)
