"""Dynamic batching: single steps of different sequences that arrive together run as one call.

Worker threads take turns collecting a batch: the first queued step waits at most
``max_queue_delay_us`` for others, up to ``max_batch_size`` samples; the batch then runs as one
step call (:meth:`ServedModel.run_steps`, state rows gathered and scattered along each state's
batch axis) while the next worker collects. Every row of a step call depends only on its own
inputs and state, so each sequence's outputs are those of running it alone.
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


@dataclass
class Step:
    x: np.ndarray
    state: Dict[str, np.ndarray]
    batch: int
    future: Future


class Batcher:
    """Queue of single steps of one model, served by ``workers`` threads; ``on_batch(size)``
    is called for every step call (for the batch-size metric)."""

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
        self.delay = max_queue_delay_us * 1e-6
        self.on_batch = on_batch
        self._queue: "queue.Queue[Optional[Step]]" = queue.Queue()
        self._carried: Deque[Step] = collections.deque()
        self._collecting = threading.Lock()
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
            steps, size = [first], first.batch
            deadline = time.monotonic() + self.delay
            while size < self.max_batch_size:
                try:
                    step = self._next(deadline - time.monotonic())
                except queue.Empty:
                    break
                if step is None:
                    self._queue.put(None)
                    break
                if size + step.batch > self.max_batch_size:
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
            self.on_batch(sum(step.batch for step in steps))
            try:
                results = self.model.run_steps([step.x for step in steps], [step.state for step in steps])
            except Exception as error:  # every caller of the batch gets the model's error
                for step in steps:
                    step.future.set_exception(error)
                continue
            for step, result in zip(steps, results):
                step.future.set_result(result)
