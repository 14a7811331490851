"""Dynamic batching: single steps of different sequences that arrive together run as one call.

Worker threads take turns collecting a batch: the first queued step waits at most
``max_queue_delay_us`` for others, up to the batch limit; the batch then runs as one step call
(:meth:`ServedModel.run_steps`, state rows gathered and scattered along each state's batch axis)
while the next worker collects. Every row of a step call depends only on its own inputs and
state, so each sequence's outputs are those of running it alone.

The batch limit is measured, not assumed (:class:`BatchLimit`): a batched call costs less per
sample where it shares a fixed cost (a GPU, weight-bound products) and more where the state
outgrows the cache (the W4 state, 393 KB a sample, on a CPU), so a batch grows only as far as
its measured cost per sample keeps falling.
"""

import collections
import queue
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Callable, Deque, Dict, List, Optional

import numpy as np

from snn_deploy.serve.models import ServedModel


class BatchLimit:
    """How many samples a batch may grow to. The levels are the powers of two up to
    ``max_batch_size`` (and it); a level's cost is the least seconds per sample of its last
    ``window`` step calls (a call's size counts for the largest level not above it): a call
    only gets slower when another thread takes its core, so the least is the call's own cost.
    The limit is the largest measured level up to which the cost never rose (by more than
    ``tolerance``) from one measured level to the next. A level up to the limit without a
    figure is measured first; while the level above the limit has none, and once every
    ``explore_every`` calls, a batch may grow to that level, so a change in what batching costs
    is followed."""

    def __init__(self, max_batch_size: int, tolerance: float = 0.05, explore_every: int = 100, window: int = 32):
        self.levels = sorted({min(2**k, max_batch_size) for k in range(max_batch_size.bit_length() + 1)})
        self.tolerance = tolerance
        self.explore_every = explore_every
        self.window = window
        self.cost: Dict[int, float] = {}
        self._recent: Dict[int, Deque[float]] = {}
        self.limit = self.levels[0]
        self._calls = 0

    def next_size(self) -> int:
        """The most samples the batch being collected may take."""
        self._calls += 1
        below = [level for level in self.levels if level <= self.limit and level not in self.cost]
        if below:
            return below[0]
        index = self.levels.index(self.limit)
        if index + 1 < len(self.levels):
            unmeasured = self.levels[index + 1] not in self.cost
            if unmeasured or self._calls % self.explore_every == 0:
                return self.levels[index + 1]
        return self.limit

    def observe(self, size: int, seconds: float) -> None:
        """Record a step call of ``size`` samples that took ``seconds``; update the limit."""
        level = max(level for level in self.levels if level <= size)
        recent = self._recent.setdefault(level, collections.deque(maxlen=self.window))
        recent.append(seconds / size)
        self.cost[level] = min(recent)
        measured = [level for level in self.levels if level in self.cost]
        limit = measured[0]
        for smaller, larger in zip(measured, measured[1:]):
            if self.cost[larger] > self.cost[smaller] * (1 + self.tolerance):
                break
            limit = larger
        self.limit = limit


@dataclass
class Step:
    x: np.ndarray
    state: Dict[str, np.ndarray]
    batch: int
    future: Future


class Batcher:
    """Queue of single steps of one model, served by ``workers`` threads; ``on_batch(size)``
    is called for every step call (for the batch-size metric). Batches take at most
    ``max_batch_size`` samples, fewer where :class:`BatchLimit` measures them costlier."""

    def __init__(
        self,
        model: ServedModel,
        max_batch_size: int,
        max_queue_delay_us: int,
        workers: int,
        on_batch: Callable[[int], None],
    ):
        self.model = model
        self.max_batch_size = max_batch_size
        self.limit = BatchLimit(max_batch_size)
        self.delay = max_queue_delay_us * 1e-6
        self.on_batch = on_batch
        self._queue: "queue.SimpleQueue[Optional[Step]]" = queue.SimpleQueue()
        self._carried: Deque[Step] = collections.deque()
        self._collecting = threading.Lock()
        self._measuring = threading.Lock()
        self._threads = [
            threading.Thread(target=self._work, name=f"batcher-{model.name}-{i}", daemon=True) for i in range(workers)
        ]
        for thread in self._threads:
            thread.start()

    def submit(self, x: np.ndarray, state: Dict[str, np.ndarray], batch: int) -> Future:
        """Queue one step ``x`` (batch ``batch``) from ``state``; the future gives ``(output, new state)``."""
        future: Future = Future()
        self._queue.put(Step(x, state, batch, future))
        return future

    def stop(self) -> None:
        """Run every queued step, then end the worker threads."""
        for _ in self._threads:
            self._queue.put(None)
        for thread in self._threads:
            thread.join()

    def _next(self, timeout: Optional[float]) -> Optional[Step]:
        if self._carried:
            return self._carried.popleft()
        if timeout is None:
            return self._queue.get()
        return self._queue.get(timeout=timeout) if timeout > 0 else self._queue.get_nowait()

    def _collect(self) -> Optional[List[Step]]:
        """The next batch, or ``None`` when stopping and nothing is left."""
        with self._collecting:
            first = self._next(None)
            if first is None:
                return None
            steps, size, most = [first], first.batch, self.limit.next_size()
            deadline = time.monotonic() + self.delay
            while size < most:
                try:
                    step = self._next(deadline - time.monotonic())
                except queue.Empty:
                    break
                if step is None:
                    self._queue.put(None)
                    break
                if size + step.batch > most:
                    self._carried.append(step)
                    break
                steps.append(step)
                size += step.batch
            return steps

    def _work(self) -> None:
        while True:
            steps = self._collect()
            if steps is None:
                return
            steps = [step for step in steps if step.future.set_running_or_notify_cancel()]  # not the cancelled
            if not steps:
                continue
            size = sum(step.batch for step in steps)
            self.on_batch(size)
            start = time.perf_counter()
            try:
                results = self.model.run_steps([step.x for step in steps], [step.state for step in steps])
            except Exception as error:  # every caller of the batch gets the model's error
                for step in steps:
                    step.future.set_exception(error)
                continue
            seconds = time.perf_counter() - start
            for step, result in zip(steps, results):
                step.future.set_result(result)
            with self._measuring:
                self.limit.observe(size, seconds)
