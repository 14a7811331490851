"""norse's custom-neuron API: ``SNNCell``, ``SNN``, ``SNNRecurrentCell``, ``SNNRecurrent``.

A user-defined neuron is a step function and a state fallback, as in norse 1.1::

    cell = SNNCell(my_step, my_initial_state, MyParameters())   # my_step(x, state, p, dt)
    layer = SNNRecurrent(my_recurrent_step, my_initial_state, 4, 8, MyParameters())

They run eagerly, under ``torch.compile(fullgraph=True)`` and export (``torch.export``, ONNX, the
``snn_deploy.export`` formats) like the built-in neurons. TorchScript cannot script a stored Python
callable, so ``torch.jit.script`` of these raises a ``TypeError`` saying so.

A NamedTuple ``p`` is kept as the built-in neurons keep theirs: its tensor fields are
non-persistent buffers (they follow ``.to()``), reassembled at every call. Any other ``p`` (an
``nn.Module`` of learnable parameters, as norse suggests) is stored as given.
"""

from typing import Any, Callable, Optional, Tuple

from torch import Tensor, nn

from snn_deploy.module import snn
from snn_deploy.state import is_namedtuple

FeedforwardActivation = Callable[[Tensor, Any, Any, float], Tuple[Tensor, Any]]
RecurrentActivation = Callable[[Tensor, Any, Tensor, Tensor, Any, float], Tuple[Tensor, Any]]


class _CustomNeuron(snn.NeuronModule):
    """The stored callables and ``p`` of a user-defined neuron. Its ``p`` is the user's: a
    ``method`` field there means whatever the activation makes of it (norse 1.1 checks nothing)."""

    step: Callable[[Tensor, Any], Tuple[Tensor, Any]]  # each class's call of the activation
    parameters_name_a_threshold_method = False

    def _store(self, activation: Callable, state_fallback: Callable, p: Any, activation_sparse: Optional[Callable]):
        self.activation = activation
        self.activation_sparse = activation_sparse
        self.state_fallback = state_fallback
        if is_namedtuple(p):
            self.p_template = p
        else:
            self.custom_p = p

    def _register_fields(self, p: Any, prefix: str) -> None:
        if is_namedtuple(p):
            super()._register_fields(p, prefix)

    @property
    def p(self) -> Any:
        """``p`` as given, its tensor fields read from the module's buffers at call time."""
        if "p_template" in self.__dict__:
            return self._assemble(self.p_template, "")
        return self.custom_p

    def _assemble(self, template: Any, prefix: str) -> Any:
        values = []
        for field, value in zip(template._fields, template):
            name = f"{prefix}{field}"
            values.append(self._assemble(value, f"{name}_") if is_namedtuple(value) else getattr(self, name))
        return type(template)(*values)

    def initial_state(self, input_tensor: Tensor) -> Any:
        """``state_fallback(input_tensor)``."""
        return self.state_fallback(input_tensor)

    def _activation_for(self, input_tensor: Tensor) -> Callable:
        if self.activation_sparse is not None and input_tensor.is_sparse:
            return self.activation_sparse
        return self.activation

    def __prepare_scriptable__(self) -> nn.Module:
        raise TypeError(
            f"{type(self).__name__}: TorchScript cannot script a neuron defined by stored Python callables "
            f"(activation={getattr(self.activation, '__name__', self.activation)!r}); use torch.compile or "
            "export it (torch.export, snn_deploy.export), or write the neuron as a class with a typed forward "
            "(see snn_deploy.module.snn)"
        )


class _CustomCell(_CustomNeuron):
    forward = snn.cell_forward(Any)


class _CustomLayer(_CustomNeuron):
    """Over the time steps of ``x`` ``(T, ...)``: ``(outputs for all T, final state)``, or the
    states of every step stacked with ``record_states=True``."""

    forward = snn.layer_forward(Any)


class SNNCell(_CustomCell, snn.NeuronCell):
    """A feed-forward neuron without time: ``forward(x, state=None) -> activation(x, state, p, dt)``,
    ``state=None`` meaning ``state_fallback(x)``."""

    def __init__(
        self,
        activation: FeedforwardActivation,
        state_fallback: Callable[[Tensor], Any],
        p: Any,
        dt: float = 0.001,
        activation_sparse: Optional[FeedforwardActivation] = None,
    ):
        super().__init__(p, dt)
        self._store(activation, state_fallback, p, activation_sparse)

    def step(self, input_tensor: Tensor, state: Any) -> Tuple[Tensor, Any]:
        return self._activation_for(input_tensor)(input_tensor, state, self.p, self.dt)


class SNN(_CustomLayer, snn.NeuronLayer):
    """:class:`SNNCell` over the time steps of ``x`` ``(T, ...)``."""

    def __init__(
        self,
        activation: FeedforwardActivation,
        state_fallback: Callable[[Tensor], Any],
        p: Any,
        dt: float = 0.001,
        activation_sparse: Optional[FeedforwardActivation] = None,
        record_states: bool = False,
    ):
        super().__init__(p, dt)
        self._store(activation, state_fallback, p, activation_sparse)
        self.record_states = record_states

    step = SNNCell.step


class SNNRecurrentCell(_CustomCell, snn.RecurrentCell):
    """A recurrent neuron without time: ``activation(x, state, input_weights, recurrent_weights, p, dt)``,
    with norse's weights: ``(hidden, input)`` and ``(hidden, hidden)``, :math:`\\mathcal{N}(0, 2/\\text{hidden})`
    by default, no self-connections unless ``autapses``."""

    def __init__(
        self,
        activation: RecurrentActivation,
        state_fallback: Callable[[Tensor], Any],
        input_size: int,
        hidden_size: int,
        p: Any,
        input_weights: Optional[Tensor] = None,
        recurrent_weights: Optional[Tensor] = None,
        autapses: bool = False,
        dt: float = 0.001,
        activation_sparse: Optional[RecurrentActivation] = None,
    ):
        super().__init__(input_size, hidden_size, p, input_weights, recurrent_weights, autapses, dt)
        self._store(activation, state_fallback, p, activation_sparse)

    def step(self, input_tensor: Tensor, state: Any) -> Tuple[Tensor, Any]:
        activation = self._activation_for(input_tensor)
        return activation(input_tensor, state, self.input_weights, self.masked_recurrent_weights(), self.p, self.dt)


class SNNRecurrent(_CustomLayer, snn.RecurrentLayer):
    """:class:`SNNRecurrentCell` over the time steps of ``x`` ``(T, ..., input_size)``."""

    def __init__(
        self,
        activation: RecurrentActivation,
        state_fallback: Callable[[Tensor], Any],
        input_size: int,
        hidden_size: int,
        p: Any,
        input_weights: Optional[Tensor] = None,
        recurrent_weights: Optional[Tensor] = None,
        autapses: bool = False,
        dt: float = 0.001,
        activation_sparse: Optional[RecurrentActivation] = None,
        record_states: bool = False,
    ):
        super().__init__(input_size, hidden_size, p, input_weights, recurrent_weights, autapses, dt)
        self._store(activation, state_fallback, p, activation_sparse)
        self.record_states = record_states

    step = SNNRecurrentCell.step
