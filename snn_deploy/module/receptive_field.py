"""Receptive-field convolutions from scale-space theory (norse 1.1): ``SpatialReceptiveField2d``,
``SampledSpatialReceptiveField2d``, ``ParameterizedSpatialReceptiveField2d`` and
``TemporalReceptiveField``.

The spatial modules compute their convolution weights from their field parameters at every call
(see :mod:`snn_deploy.functional.receptive_field`), so gradients reach the parameters and
``.to()``, ``functional_call`` and checkpoints act on them directly; norse caches the weights and
refreshes them from a backward hook. Derivative orders are fixed when a module is built.
"""

from typing import Any, Callable, List, NamedTuple, Optional, Tuple, Union, cast

import torch
from torch import Tensor, nn

from snn_deploy.functional.leaky_integrator_box import LIBoxParameters, LIBoxState
from snn_deploy.functional.receptive_field import (
    Derivatives,
    derivative_orders,
    receptive_fields,
    spatial_parameter_order,
    spatial_parameters,
    symmetric_ratios,
    temporal_scale_distribution,
    with_derivative_pairs,
)
from snn_deploy.module.input_checks import check_float_input
from snn_deploy.module.leaky_integrator_box import LIBoxCell
from snn_deploy.module.snn import NeuronCell

CONV_OPTIONS = ("bias", "stride", "padding", "dilation", "groups")


def _register_tensor(module: nn.Module, name: str, value: Tensor, learnable: bool) -> None:
    """A learnable ``nn.Parameter``, or a non-persistent buffer (as norse keeps it out of ``state_dict``).

    A tensor of the default dtype is not copied: as in norse, an optimizer step on the parameter
    also changes the tensor the caller passed."""
    value = torch.as_tensor(value).detach().to(torch.get_default_dtype())
    if learnable:
        module.register_parameter(name, nn.Parameter(value))
    else:
        module.register_buffer(name, value, persistent=False)


class _ReceptiveFieldConv(nn.Module):
    """The 2-d convolution with the fields of the rows ``(scale, angle, ratio, dx, dy)`` that
    ``field_parameters()`` gives. ``aggregate``: each field sees all input channels (``n`` output
    channels); otherwise each field sees each channel alone (``n * in_channels`` outputs, channel
    ``i * n + j`` is field ``j`` on input ``i``; norse 1.1 raises an ``AttributeError`` there).
    ``conv_options``: ``bias``, ``stride``, ``padding``, ``dilation``, ``groups`` of ``conv2d``."""

    __jit_unused_properties__ = ["weights", "has_updated", "submodule"]
    __jit_ignored_attributes__ = ["_marks_at_update"]
    bias: Optional[Tensor]

    def __init__(
        self, in_channels: int, size: int, orders: List[Tuple[int, int]], aggregate: bool, domain: float, conv_options
    ):
        super().__init__()
        unknown = sorted(set(conv_options) - set(CONV_OPTIONS))
        if unknown:
            raise TypeError(f"{type(self).__name__}: unknown conv2d options {unknown}; expected some of {CONV_OPTIONS}")
        self.in_channels = int(in_channels)
        self.size = int(size)
        self.orders = orders
        self.aggregate = bool(aggregate)
        self.domain = float(domain)
        self.out_channels = len(orders) if aggregate else len(orders) * self.in_channels
        bias = conv_options.get("bias")
        self.register_buffer("bias", None if bias is None else torch.as_tensor(bias).detach().clone(), persistent=False)
        self.stride = _pair(conv_options.get("stride", 1))
        self.padding = _pair(conv_options.get("padding", 0))
        self.dilation = _pair(conv_options.get("dilation", 1))
        self.groups = int(conv_options.get("groups", 1))

    def field_parameters(self) -> Tensor:
        raise NotImplementedError

    def receptive_field_weights(self) -> Tensor:
        """Convolution weights ``(out_channels, in_channels, size, size)`` from the current parameters."""
        fields = receptive_fields(self.field_parameters(), self.orders, self.size, self.domain)
        if self.aggregate:
            return fields.unsqueeze(1).repeat(1, self.in_channels, 1, 1)
        eye = torch.eye(self.in_channels, dtype=fields.dtype, device=fields.device)
        weights = eye.reshape(self.in_channels, 1, self.in_channels, 1, 1) * fields.unsqueeze(1).unsqueeze(0)
        return weights.reshape(-1, self.in_channels, self.size, self.size)

    @property
    def weights(self) -> Tensor:
        """The convolution weights (norse's ``weights`` attribute), computed from the parameters."""
        return self.receptive_field_weights()

    @property
    def has_updated(self) -> bool:
        """norse's update flag: whether a backward pass or an optimizer step has touched the
        parameters since construction or the last :meth:`_update_weights` (the weights themselves
        are always recomputed from the current parameters)."""
        return self._update_marks() != self._marks_at_update

    def _update_weights(self) -> None:
        """norse's weight refresh: here the weights are computed at every call, so this only
        clears :attr:`has_updated`."""
        self._marks_at_update = self._update_marks()

    @torch.jit.unused
    def _update_marks(self) -> List[Tuple[int, int, int]]:
        """(parameter version, gradient identity, gradient version) of every parameter."""
        return [(p._version, id(p.grad), -1 if p.grad is None else p.grad._version) for p in self.parameters()]

    @property
    def submodule(self) -> "_Fields":
        """norse's inner ``SpatialReceptiveField2d``: here a view with its ``weights`` and
        ``rf_parameters`` (computed from this module's parameters) that calls this module."""
        return _Fields(self)

    def forward(self, x: Tensor) -> Tensor:
        """``conv2d`` of ``x`` ``(..., in_channels, H, W)``; leading dimensions beyond the batch (such
        as time) are folded into the batch and restored."""
        if not torch.jit.is_scripting():
            _check_image(self, x)
        weights = self.receptive_field_weights()
        if x.dim() <= 4:
            return torch.nn.functional.conv2d(
                x, weights, self.bias, self.stride, self.padding, self.dilation, self.groups
            )
        folded = x.reshape([-1] + list(x.shape[-3:]))
        y = torch.nn.functional.conv2d(
            folded, weights, self.bias, self.stride, self.padding, self.dilation, self.groups
        )
        return y.reshape(list(x.shape[:-3]) + list(y.shape[-3:]))

    def extra_repr(self) -> str:
        return f"in_channels={self.in_channels}, out_channels={self.out_channels}, size={self.size}"


class _Fields:
    """A receptive-field module seen as norse's inner ``SpatialReceptiveField2d`` (``submodule``)."""

    def __init__(self, module: _ReceptiveFieldConv):
        self.module = module
        self.in_channels, self.out_channels, self.size = module.in_channels, module.out_channels, module.size

    @property
    def weights(self) -> Tensor:
        return self.module.receptive_field_weights()

    @property
    def rf_parameters(self) -> Tensor:
        return self.module.field_parameters()

    @property
    def has_updated(self) -> bool:
        return self.module.has_updated

    def _update_weights(self) -> None:
        self.module._update_weights()

    def __call__(self, x: Tensor) -> Tensor:
        return self.module(x)


@torch.jit.unused
def _check_image(module: "_ReceptiveFieldConv", x: Any) -> None:
    owner = type(module).__name__
    dtype = next(t.dtype for t in list(module.parameters()) + list(module.buffers()) if t.is_floating_point())
    check_float_input(owner, x, 3, "(batch, channels, height, width)", dtype=dtype)
    if x.shape[-3] != module.in_channels:
        raise ValueError(
            f"{owner}: expected an input (..., {module.in_channels}, height, width), got shape {tuple(x.shape)}"
        )


def _pair(value: Union[int, Tuple[int, int], List[int]]) -> List[int]:
    return [int(value), int(value)] if isinstance(value, int) else [int(v) for v in value]


class SpatialReceptiveField2d(_ReceptiveFieldConv):
    """Convolve with the receptive fields of the rows ``(scale, angle, ratio, dx, dy)`` of
    ``rf_parameters`` ``(n, 5)``: ``forward(x) -> conv2d(x, weights)`` for ``x`` of shape
    ``(batch, in_channels, H, W)``. With ``optimize_fields`` the rows are an ``nn.Parameter``
    (``rf_parameters``, as in norse's ``state_dict``). ``**kwargs`` are ``conv2d`` options."""

    rf_parameters: Tensor

    def __init__(
        self,
        in_channels: int,
        size: int,
        rf_parameters: Tensor,
        aggregate: bool = True,
        domain: float = 8,
        optimize_fields: bool = True,
        **kwargs: Any,
    ) -> None:
        rows = torch.as_tensor(rf_parameters)
        orders = [(int(dx), int(dy)) for dx, dy in rows[:, 3:5].tolist()]
        super().__init__(in_channels, size, orders, aggregate, domain, kwargs)
        _register_tensor(self, "rf_parameters", rows, optimize_fields)
        self._update_weights()

    def field_parameters(self) -> Tensor:
        return self.rf_parameters


class SampledSpatialReceptiveField2d(_ReceptiveFieldConv):
    """:class:`SpatialReceptiveField2d` over every combination of ``scales``, ``angles``, ``ratios``
    and ``derivatives`` (an int, ``(dx, dy)`` pairs or an ``(n, 2)`` tensor), which are the learnable
    parameters (each if its ``optimize_*`` flag is set). The order of the combinations is norse's,
    fixed when the module is built (norse re-sorts if a ratio later reaches or leaves 1)."""

    scales: Tensor
    angles: Tensor
    ratios: Tensor
    row_order: Tensor
    derivative_pairs: Tensor

    def __init__(
        self,
        in_channels: int,
        size: int,
        scales: Tensor,
        angles: Tensor,
        ratios: Tensor,
        derivatives: Derivatives,
        optimize_scales: bool = True,
        optimize_angles: bool = True,
        optimize_ratios: bool = True,
        aggregate: bool = True,
        domain: float = 8,
        **kwargs: Any,
    ):
        pairs = derivative_orders(derivatives)
        order = spatial_parameter_order(len(scales), len(angles), symmetric_ratios(torch.as_tensor(ratios)))
        orders = [pair for _ in order for pair in pairs]
        super().__init__(in_channels, size, orders, aggregate, domain, kwargs)
        _register_tensor(self, "scales", scales, optimize_scales)
        _register_tensor(self, "angles", angles, optimize_angles)
        _register_tensor(self, "ratios", ratios, optimize_ratios)
        self.register_buffer("row_order", torch.tensor(order, dtype=torch.long), persistent=False)
        self.register_buffer("derivative_pairs", torch.tensor(pairs, dtype=self.scales.dtype), persistent=False)
        self._update_weights()

    def field_parameters(self) -> Tensor:
        combined = torch.cartesian_prod(self.scales, self.angles, self.ratios).index_select(0, self.row_order)
        return with_derivative_pairs(combined, self.derivative_pairs.to(combined.dtype))


class ParameterizedSpatialReceptiveField2d(_ReceptiveFieldConv):
    """:class:`SpatialReceptiveField2d` whose fields start as the combinations of
    :class:`SampledSpatialReceptiveField2d` and then learn their own scale, angle and ratio: the
    parameters ``scales``, ``angles``, ``ratios`` have one entry per field."""

    scales: Tensor
    angles: Tensor
    ratios: Tensor
    derivative_rows: Tensor

    def __init__(
        self,
        in_channels: int,
        size: int,
        scales: Tensor,
        angles: Tensor,
        ratios: Tensor,
        derivatives: Derivatives,
        optimize_scales: bool = True,
        optimize_angles: bool = True,
        optimize_ratios: bool = True,
        aggregate: bool = True,
        domain: float = 8,
        **kwargs: Any,
    ):
        rows = spatial_parameters(
            torch.as_tensor(scales), torch.as_tensor(angles), torch.as_tensor(ratios), derivatives
        )
        orders = [(int(dx), int(dy)) for dx, dy in rows[:, 3:5].tolist()]
        super().__init__(in_channels, size, orders, aggregate, domain, kwargs)
        _register_tensor(self, "scales", rows[:, 0], optimize_scales)
        _register_tensor(self, "angles", rows[:, 1], optimize_angles)
        _register_tensor(self, "ratios", rows[:, 2], optimize_ratios)
        self.register_buffer("derivative_rows", rows[:, 3:].clone(), persistent=False)
        self._update_weights()

    def field_parameters(self) -> Tensor:
        scales_angles_ratios = torch.stack([self.scales, self.angles, self.ratios], 1)
        return torch.cat([scales_angles_ratios, self.derivative_rows.to(scales_angles_ratios.dtype)], 1)


class _NoParameters(NamedTuple):
    """TemporalReceptiveField keeps no neuron parameters of its own: they are its neurons'."""


class TemporalReceptiveField(NeuronCell):
    r"""``n_scales`` temporal receptive fields: the input, repeated once per scale, drives neurons
    (a :class:`LIBoxCell` by default) whose time constants :math:`\tau^{-1}_k = \Delta t^{-1} / \sigma_k`
    come from :func:`~snn_deploy.functional.receptive_field.temporal_scale_distribution` (or
    ``time_constants``) and are the learnable parameter ``ps``.

    ``shape`` is the shape of one input sample without the batch, channels first (``(C, H, W)``);
    ``forward(x, state=None) -> (v, state)`` with ``x`` of shape ``(batch, *shape)`` (one time step)
    and ``v`` of shape ``(batch, n_scales, *shape)``. ``activation_state_map`` turns ``ps`` into the
    activation's parameters. Only the default activation scripts (the state type is LIBoxCell's).
    It is a :class:`NeuronCell` (one time step per call), so it exports like one.
    """

    __jit_unused_properties__ = ["p"]
    parameters_type = _NoParameters

    def __init__(
        self,
        shape: Union[torch.Size, Tuple[int, ...]],
        n_scales: int = 4,
        activation: Callable[..., nn.Module] = LIBoxCell,
        activation_state_map: Callable[[Tensor], NamedTuple] = lambda t: LIBoxParameters(tau_mem_inv=t),
        min_scale: float = 1,
        max_scale: Optional[float] = None,
        c: float = 1.41421,
        time_constants: Optional[Tensor] = None,
        dt: float = 0.001,
    ):
        super().__init__(dt=dt)
        if time_constants is None:
            taus = (1 / dt) / temporal_scale_distribution(n_scales, min_scale=min_scale, max_scale=max_scale, c=c)
            ones = [1] * (len(shape) - 1)
            time_constants = torch.stack([torch.full([shape[0], *ones], float(tau)) for tau in taus])
        self.time_constants = time_constants
        self.ps = nn.Parameter(torch.as_tensor(time_constants).detach().clone())
        self.neurons = activation(p=activation_state_map(self.ps), dt=dt)
        self.rf_dimension = len(shape)
        self.n_scales = int(n_scales)
        self.register_state_dict_post_hook(_drop_shared_time_constants)

    @property
    def p(self) -> Any:
        """The neurons' parameters."""
        return self.neurons.p

    def repeat_scales(self, x: Tensor) -> Tensor:
        """``x`` repeated once per scale, in a new dimension before the sample's ``shape``."""
        return torch.stack([x for _ in range(self.n_scales)], dim=-self.rf_dimension - 1)

    def initial_state(self, x: Tensor) -> LIBoxState:
        return cast(NeuronCell, self.neurons).initial_state(self.repeat_scales(x))

    def forward(self, x: Tensor, state: Optional[LIBoxState] = None) -> Tuple[Tensor, LIBoxState]:
        if not torch.jit.is_scripting():
            check_float_input(
                "TemporalReceptiveField",
                x,
                self.rf_dimension,
                f"(batch, {self.rf_dimension}-D sample)",
                dtype=self.ps.dtype,
            )
        return self.neurons(self.repeat_scales(x), state)


def _drop_shared_time_constants(module: TemporalReceptiveField, state_dict, prefix: str, local_metadata) -> None:
    """Save ``ps`` once, under norse's key: the neurons hold the same parameter (their missing key
    is accepted on load, see :class:`~snn_deploy.module.snn.NeuronModule`)."""
    for name, parameter in module.neurons.named_parameters():
        if parameter is module.ps:
            state_dict.pop(f"{prefix}neurons.{name}", None)
