"""A stream's state kept in place in onnxruntime between steps (CPU): no numpy round trip per step.

Two sets of state buffers, A and B, are bound once in two ``IOBinding``s: one reads A and writes
B, the other reads B and writes A; each step runs one and flips to the other, only once the run
succeeded. A kernel may write a bound output while later kernels of the same run still read the
graph's inputs, so a state is never read from and written to one buffer. On CPU
``OrtValue.ortvalue_from_numpy`` wraps the array's memory without a copy, so the bindings stay
valid across runs: a step copies ``x_t`` into the bound input array, runs, and returns a copy of
the bound output array (copying the small output measured faster than binding a fresh output
each step).
"""

from typing import Any, List, Optional

import numpy as np

from snn_deploy.errors import InputError, first_line
from snn_deploy.runtime.signature import Port, Signature

_ALIGNMENT = 64


def _buffer(port: Port, batch_size: int) -> np.ndarray:
    """Zeros shaped like ``port`` for ``batch_size`` samples, 64-byte aligned as onnxruntime's own."""
    dtype = np.dtype(port.dtype)
    shape = port.with_batch(batch_size)
    size = int(np.prod(shape)) * dtype.itemsize
    raw = np.zeros(size + _ALIGNMENT, np.uint8)
    start = -raw.ctypes.data % _ALIGNMENT
    return raw[start : start + size].view(dtype).reshape(shape)


def refusal(path: str, error: Exception) -> InputError:
    """The :class:`InputError` for an input onnxruntime refused (the first line of its message)."""
    return InputError(f"{path}: onnxruntime refused the input: {first_line(error)}")


class BoundState:
    """The state of one stream of ``batch_size`` samples of a step artifact, in bound buffers.
    Not thread-safe: :class:`~snn_deploy.runtime.Stream` serializes its calls."""

    def __init__(self, session: Any, signature: Signature, path: str, batch_size: int):
        """Bind the buffers of ``signature``'s ports in the onnxruntime ``session``."""
        from onnxruntime import OrtValue

        self._session = session
        self._path = path
        (output,) = signature.outputs
        self._input = _buffer(signature.input, batch_size)
        self._output = _buffer(output, batch_size)
        self._sets = tuple([_buffer(state.port, batch_size) for state in signature.states] for _ in range(2))
        self._bindings = []
        for reads, writes in (self._sets, self._sets[::-1]):
            binding = session.io_binding()
            binding.bind_ortvalue_input(signature.input.name, OrtValue.ortvalue_from_numpy(self._input))
            binding.bind_ortvalue_output(output.name, OrtValue.ortvalue_from_numpy(self._output))
            for state, read, write in zip(signature.states, reads, writes):
                binding.bind_ortvalue_input(state.port.name, OrtValue.ortvalue_from_numpy(read))
                binding.bind_ortvalue_output(state.output_name, OrtValue.ortvalue_from_numpy(write))
            self._bindings.append(binding)
        self._current = 0

    def load(self, values: List[Any]) -> None:
        """Copy ``values`` (numpy, in the signature's state order) into the state read next."""
        for buffer, value in zip(self._sets[self._current], values):
            np.copyto(buffer, value)

    def values(self) -> List[np.ndarray]:
        """Copies of the current state."""
        return [buffer.copy() for buffer in self._sets[self._current]]

    def step(self, x_t: np.ndarray, batch: Optional[int]) -> np.ndarray:
        """One step; the state advances only if onnxruntime succeeds. Returns a new array."""
        np.copyto(self._input, x_t)
        try:
            self._session.run_with_iobinding(self._bindings[self._current])
        except Exception as error:
            raise refusal(self._path, error) from None
        self._current = 1 - self._current
        return self._output.copy()
