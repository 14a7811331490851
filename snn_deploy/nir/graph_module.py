"""``NIRGraphModule``: any imported NIR graph, run one time step at a time with explicit state.

``forward(x, state=None) -> (y, state)`` takes ``x`` of shape ``(T, batch, *input_shape)`` and
returns the graph's output at every step, ``(T, batch, *output_shape)``, and the final state: a
flat list of tensors, for each node in step order the previous output of a node whose output
returns along a cycle (``z`` of a recurrent layer), then the node's own state (``v, i`` of a
LIF neuron). ``state_names`` names each entry. A step computes the nodes in order; a node's input
is the value on each incoming edge, the previous step's value on a delayed edge (see
:mod:`snn_deploy.nir.graph_walk`). Plain lists and a loop over the nodes: it scripts, compiles
with ``fullgraph=True`` and exports like the package's other sequence models.
"""

from typing import List, Optional, Tuple

import torch
from torch import Tensor, nn


class NIRGraphModule(nn.Module):
    """Run step modules (:mod:`snn_deploy.nir.nodes`) wired as a graph; see the module docstring.

    ``input_slots[k]``: where node ``k`` reads its inputs in the step's value list
    ``[x_t, *delayed values, *node outputs]``; ``delayed[k]``: node ``k``'s output is kept for the
    next step; ``input_shapes[k]``: the per-sample shape of node ``k``'s input,
    ``output_shapes[k]`` of its output; ``state_sizes[k]``: the number of node ``k``'s state tensors; ``input_shape``: one input sample's shape.
    """

    names: List[str]
    input_slots: List[List[int]]
    delayed: List[bool]
    input_shapes: List[List[int]]
    output_shapes: List[List[int]]
    state_names: List[str]
    state_sizes: List[int]
    state_starts: List[int]
    delayed_positions: List[int]
    input_shape: List[int]

    def __init__(
        self,
        nodes: List[nn.Module],
        names: List[str],
        input_slots: List[List[int]],
        delayed: List[bool],
        input_shapes: List[List[int]],
        output_shapes: List[List[int]],
        output_node: int,
        state_sizes: List[int],
        state_names: List[str],
        input_shape: List[int],
        dt: float,
    ):
        super().__init__()
        self.nodes = nn.ModuleList(nodes)
        self.names = names
        self.input_slots = input_slots
        self.delayed = delayed
        self.input_shapes = input_shapes
        self.output_shapes = output_shapes
        self.output_node = output_node
        self.state_names = state_names
        self.dt = float(dt)
        self.input_shape = input_shape
        # where each node's state begins in the flat state list, after its delayed output if any
        self.state_sizes = state_sizes
        self.state_starts = []
        self.delayed_positions = []
        position = 0
        for k in range(len(nodes)):
            if delayed[k]:
                self.delayed_positions.append(position)
                position += 1
            self.state_starts.append(position)
            position += state_sizes[k]

    def initial_state(self, input_tensor: Tensor) -> List[Tensor]:
        """The state at ``t = 0`` for a ``(T, batch, *input_shape)`` input: zero delayed outputs,
        each node's reference initial state (``v = v_leak``, ``i = 0``, ...)."""
        batch = input_tensor.shape[1]
        state: List[Tensor] = []
        for k, node in enumerate(self.nodes):
            if self.delayed[k]:
                state.append(input_tensor.new_zeros([batch] + self.output_shapes[k]))
            # every step module has initial_state (nodes.py); ModuleList yields nn.Module to the checker
            # and TorchScript has no typing.cast
            zeros = input_tensor.new_zeros([batch] + self.input_shapes[k])
            state.extend(node.initial_state(zeros))  # type: ignore[operator]
        return state

    def step(self, input_tensor: Tensor, state: List[Tensor]) -> Tuple[Tensor, List[Tensor]]:
        """One time step of the graph on ``(batch, *input_shape)``."""
        values: List[Tensor] = [input_tensor]
        for position in self.delayed_positions:
            values.append(state[position])
        new_state: List[Tensor] = []
        for k, node in enumerate(self.nodes):
            inputs = [values[slot] for slot in self.input_slots[k]]
            start = self.state_starts[k]
            output, node_state = node(inputs, state[start : start + self.state_sizes[k]])
            values.append(output)
            if self.delayed[k]:
                new_state.append(output)
            new_state.extend(node_state)
        return values[len(values) - len(self.nodes) + self.output_node], new_state

    def forward(self, input_tensor: Tensor, state: Optional[List[Tensor]] = None) -> Tuple[Tensor, List[Tensor]]:
        if not torch.jit.is_scripting():
            self._check_call(input_tensor, state)
        s = self.initial_state(input_tensor) if state is None else state
        outputs: List[Tensor] = []
        for input_t in input_tensor:
            output, s = self.step(input_t, s)
            outputs.append(output)
        return torch.stack(outputs), s

    @torch.jit.unused
    def _check_call(self, input_tensor: Tensor, state: Optional[List[Tensor]]) -> None:
        if not isinstance(input_tensor, Tensor) or not input_tensor.is_floating_point():
            got = f"dtype {input_tensor.dtype}" if isinstance(input_tensor, Tensor) else type(input_tensor).__name__
            raise TypeError(f"NIRGraphModule: expected a floating-point tensor input, got {got}")
        if input_tensor.dim() < 2 or list(input_tensor.shape[2:]) != self.input_shape:
            raise ValueError(
                f"NIRGraphModule: expected an input of shape (time, batch, {', '.join(map(str, self.input_shape))}), "
                f"got {tuple(input_tensor.shape)} (from_nir(..., input_shape=...) replaces a graph's Input type "
                "that holds a batch or time axis)"
            )
        if state is None:
            return
        expected = self.initial_state(input_tensor)
        if not isinstance(state, (list, tuple)) or len(state) != len(expected):
            raise ValueError(
                f"NIRGraphModule: expected a state list of {len(expected)} tensors ({', '.join(self.state_names)}), "
                f"got {type(state).__name__}" + (f" of {len(state)}" if isinstance(state, (list, tuple)) else "")
            )
        for name, tensor, want in zip(self.state_names, state, expected):
            if not isinstance(tensor, Tensor) or tensor.shape != want.shape:
                got = str(tuple(tensor.shape)) if isinstance(tensor, Tensor) else type(tensor).__name__
                raise ValueError(f"NIRGraphModule: state '{name}' must have shape {tuple(want.shape)}, got {got}")

    def extra_repr(self) -> str:
        return f"input_shape={self.input_shape}, nodes={self.names}, dt={self.dt}"
