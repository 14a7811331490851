"""The live sequences of one model: each one's state between requests, bounded and evicted when idle.

Used from the event loop thread only. A sequence's ``lock`` orders its requests (one runs at a
time, in arrival order); a sequence with a request in progress is never evicted.
"""

import asyncio
import time
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Union

import numpy as np

from snn_deploy.serve.protocol import ProtocolError

SequenceId = Union[int, str]


@dataclass
class Sequence:
    id: SequenceId
    state: Dict[str, np.ndarray]
    batch: int
    last_used: float
    busy: int = 0
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


class SequenceStore:
    """At most ``limit`` sequences; one idle for ``idle_timeout`` seconds is dropped by :meth:`evict_idle`."""

    def __init__(self, limit: int, idle_timeout: float, clock: Callable[[], float] = time.monotonic):
        self.limit = limit
        self.idle_timeout = idle_timeout
        self.clock = clock
        self._sequences: Dict[SequenceId, Sequence] = {}

    def __len__(self) -> int:
        return len(self._sequences)

    def start(self, sequence_id: SequenceId, state: Dict[str, np.ndarray], batch: int) -> Sequence:
        """A new sequence from ``state`` (a running one of that id is replaced); 503 when full."""
        if sequence_id not in self._sequences and len(self._sequences) >= self.limit:
            self.evict_idle()
            if len(self._sequences) >= self.limit:
                raise ProtocolError(
                    503, f"too many live sequences ({self.limit}); end or let idle ones expire, then retry"
                )
        sequence = Sequence(sequence_id, state, batch, self.clock())
        self._sequences[sequence_id] = sequence
        return sequence

    def get(self, sequence_id: SequenceId) -> Sequence:
        sequence = self._sequences.get(sequence_id)
        if sequence is None:
            raise ProtocolError(
                400,
                f"sequence {sequence_id!r} is not live (never started with sequence_start, already ended, or "
                f"evicted after {self.idle_timeout:g} s idle); start it with sequence_start=true",
            )
        return sequence

    def end(self, sequence: Sequence) -> None:
        if self._sequences.get(sequence.id) is sequence:
            del self._sequences[sequence.id]

    def evict_idle(self) -> List[SequenceId]:
        """Drop every sequence without a request in progress that has been idle too long."""
        deadline = self.clock() - self.idle_timeout
        idle = [key for key, seq in self._sequences.items() if seq.busy == 0 and seq.last_used <= deadline]
        for key in idle:
            del self._sequences[key]
        return idle
