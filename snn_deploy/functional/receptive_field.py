r"""Spatial receptive fields from scale-space theory (Lindeberg 2021), norse 1.1's ``receptive_field``.

A field of scale :math:`s`, angle :math:`\phi` and ratio :math:`r` is the normalised Gaussian

.. math::
    k(x) \propto \exp\big(-\tfrac12 x^\top C^{-1} x\big), \qquad
    C = s \begin{pmatrix} \lambda_1 \cos^2\phi + \lambda_2 \sin^2\phi & (\lambda_1 - \lambda_2) \cos\phi \sin\phi \\
    (\lambda_1 - \lambda_2) \cos\phi \sin\phi & \lambda_1 \sin^2\phi + \lambda_2 \cos^2\phi \end{pmatrix},
    \quad \lambda_1 = r^2, \ \lambda_2 = r^{-2}

sampled on a ``size`` x ``size`` grid over :math:`[-\text{domain}, \text{domain}]^2` and divided by
its sum, then differentiated ``dx`` times along :math:`\phi` and ``dy`` times along
:math:`\phi + \pi/2`, each derivative scaled by :math:`s` (Lindeberg's scale normalisation with
:math:`\gamma = 1`). The values are norse's; the code is export-clean: the 2x2 inverse and
determinant are written out and the finite differences (``torch.gradient``'s, spacing 1) are
slices, so the fields follow the parameters' dtype and device and differentiate with respect to
them. Derivative orders are Python ints, fixed when a field is built.
"""

import math
from typing import List, Optional, Tuple, Union

import torch
from torch import Tensor

Derivatives = Union[int, List[Tuple[int, int]], Tensor]


def gaussian_kernel(size: int, c: Tensor, domain: float = 8) -> Tensor:
    r"""The ``size`` x ``size`` Gaussian :math:`\frac{1}{2\pi\sqrt{|C|}} e^{-x^\top C^{-1} x / 2}` of
    covariance ``c`` (2x2), sampled on :math:`[-\text{domain}, \text{domain}]^2`."""
    a, b, d = c[0, 0], c[0, 1], c[1, 1]
    det = a * d - b * c[1, 0]
    axis = torch.linspace(-domain, domain, size, dtype=c.dtype, device=c.device)
    ys, xs = axis.reshape(size, 1), axis.reshape(1, size)  # meshgrid "xy": x along columns
    quadratic = (d * xs * xs - (b + c[1, 0]) * xs * ys + a * ys * ys) / det
    return torch.exp(-quadratic / 2) / (2 * math.pi * torch.sqrt(det))


def covariance_matrix(sigma1: Tensor, sigma2: Tensor, phi: Tensor) -> Tensor:
    """The 2x2 covariance of variances ``sigma1**2``, ``sigma2**2`` with the major axis at angle ``phi``
    (each a tensor or, as norse accepts, a Python number)."""
    phi = torch.as_tensor(phi)
    lambda1, lambda2 = torch.as_tensor(sigma1) ** 2, torch.as_tensor(sigma2) ** 2
    cos, sin = torch.cos(phi), torch.sin(phi)
    cxx = lambda1 * cos**2 + lambda2 * sin**2
    cxy = (lambda1 - lambda2) * cos * sin
    cyy = lambda1 * sin**2 + lambda2 * cos**2
    return torch.stack([torch.stack([cxx, cxy]), torch.stack([cxy, cyy])])


def _gradient(kernel: Tensor, dim: int) -> Tensor:
    """``torch.gradient(kernel, dim=dim)[0]`` (spacing 1, first-order edges) as slices."""
    first = kernel.narrow(dim, 1, 1) - kernel.narrow(dim, 0, 1)
    size = kernel.shape[dim]
    inner = (kernel.narrow(dim, 2, size - 2) - kernel.narrow(dim, 0, size - 2)) / 2
    last = kernel.narrow(dim, size - 1, 1) - kernel.narrow(dim, size - 2, 1)
    return torch.cat([first, inner, last], dim)


def derive_kernel(kernel: Tensor, angle: Tensor) -> Tensor:
    """The directional derivative of ``kernel`` at ``angle`` (norse: ``cos`` along dim 0, ``sin`` along dim 1)."""
    angle = torch.as_tensor(angle)
    return _gradient(kernel, 0) * torch.cos(angle) + _gradient(kernel, 1) * torch.sin(angle)


def derive_spatial_receptive_field_single(field: Tensor, scale: Tensor, angle: Tensor, dx: int, dy: int) -> Tensor:
    r"""Differentiate ``field`` ``dx`` times at ``angle`` and ``dy`` times at ``angle + pi/2`` (interleaved,
    as norse), each derivative times :math:`\sqrt{s^2}` (Lindeberg's normalisation with :math:`\gamma = 1`)."""
    normalization = (scale**2) ** 0.5
    derived = field
    while dx > 0 or dy > 0:
        if dx > 0:
            derived = derive_kernel(derived, angle) * normalization
            dx -= 1
        if dy > 0:
            derived = derive_kernel(derived, angle + math.pi / 2) * normalization
            dy -= 1
    return derived


def spatial_receptive_field(
    scale: Tensor, angle: Tensor, ratio: Tensor, size: int, dx: int = 0, dy: int = 0, domain: float = 10
) -> Tensor:
    """One ``size`` x ``size`` field (see the module docstring)."""
    kernel = gaussian_kernel(size, covariance_matrix(ratio, 1 / ratio, angle) * scale, domain)
    kernel = kernel / kernel.sum()
    return derive_spatial_receptive_field_single(kernel, scale, angle, int(dx), int(dy))


def derivative_orders(derivatives: Derivatives) -> List[Tuple[int, int]]:
    """norse's derivative specification as ``(dx, dy)`` pairs: an int ``n`` means every pair up to
    ``n`` (``0``: only ``(0, 0)``); a list of pairs or an ``(n, 2)`` tensor is taken as given."""
    if isinstance(derivatives, Tensor):
        return [(int(dx), int(dy)) for dx, dy in derivatives.reshape(-1, 2).tolist()]
    if isinstance(derivatives, int) and not isinstance(derivatives, bool):
        if derivatives == 0:
            return [(0, 0)]
        return [(x, y) for x in range(derivatives + 1) for y in range(derivatives + 1)]
    if isinstance(derivatives, (list, tuple)):
        return [(int(dx), int(dy)) for dx, dy in derivatives]
    raise ValueError(f"derivatives: expected an int, a list of (dx, dy) pairs or an (n, 2) tensor, got {derivatives!r}")


def symmetric_ratios(ratios: Tensor) -> List[bool]:
    """Which ratios are 1 (rotation-symmetric fields), read once when a module is built."""
    return [bool(r == 1) for r in ratios.detach().flatten()]


def spatial_parameter_order(
    n_scales: int, n_angles: int, symmetric: List[bool], include_replicas: bool = False
) -> List[int]:
    """Row order of :func:`spatial_parameters` within ``cartesian_prod(scales, angles, ratios)``: as
    is, or, as in norse, when some ratio is 1 (``symmetric``) and ``include_replicas`` is false, all
    products with the other ratios first."""
    n_ratios = len(symmetric)
    if include_replicas or not any(symmetric):
        return list(range(n_scales * n_angles * n_ratios))
    groups = ([r for r in range(n_ratios) if not symmetric[r]], [r for r in range(n_ratios) if symmetric[r]])
    return [
        (s * n_angles + a) * n_ratios + r
        for group in groups
        for s in range(n_scales)
        for a in range(n_angles)
        for r in group
    ]


def spatial_parameters(
    scales: Tensor, angles: Tensor, ratios: Tensor, derivatives: Derivatives, include_replicas: bool = False
) -> Tensor:
    """Rows ``(scale, angle, ratio, dx, dy)``: the cartesian product of the scales, angles and ratios
    (in :func:`spatial_parameter_order`), each row repeated for every derivative pair."""
    order = spatial_parameter_order(len(scales), len(angles), symmetric_ratios(ratios), include_replicas)
    combined = torch.cartesian_prod(scales, angles, ratios)[order]
    pairs = torch.tensor(derivative_orders(derivatives), dtype=combined.dtype, device=combined.device)
    return with_derivative_pairs(combined, pairs)


def with_derivative_pairs(combined: Tensor, pairs: Tensor) -> Tensor:
    """Rows ``(scale, angle, ratio)`` of ``combined`` each repeated for every ``(dx, dy)`` row of ``pairs``."""
    return torch.cat([combined.repeat_interleave(pairs.shape[0], 0), pairs.repeat(combined.shape[0], 1)], 1)


def receptive_fields(combinations: Tensor, orders: List[Tuple[int, int]], size: int, domain: float) -> Tensor:
    """Fields ``(n, size, size)`` for the rows ``(scale, angle, ratio, ...)`` of ``combinations`` with
    the derivative orders ``orders`` (one ``(dx, dy)`` pair of ints per row)."""
    fields = [
        spatial_receptive_field(row[0], row[1], row[2], size, dx, dy, domain)
        for row, (dx, dy) in zip(combinations.unbind(0), orders)
    ]
    return torch.stack(fields)


def spatial_receptive_fields_with_derivatives(combinations: Tensor, size: int, domain: float = 1) -> Tensor:
    """Fields ``(n, size, size)`` for the rows ``(scale, angle, ratio, dx, dy)`` of ``combinations``."""
    orders = [(int(dx), int(dy)) for dx, dy in combinations[:, 3:5].tolist()]
    return receptive_fields(combinations, orders, size, domain)


def temporal_scale_distribution(
    n_scales: int, min_scale: float = 1, max_scale: Optional[float] = None, c: float = 1.41421
) -> Tensor:
    r"""``n_scales`` temporal scales after Lindeberg 2016: :math:`\sqrt{\tau_k}` with
    :math:`\tau_k = c^{2(k - K)} \tau_{\max}`, :math:`\tau_{\max} = c^{2(K-1)} \tau_{\min}`; with
    ``max_scale`` set, :math:`c = (\tau_{\min} / \tau_{\max})^{1/(2(K-1))}` (norse 1.1's values)."""
    xs = torch.linspace(1, n_scales, n_scales)
    if max_scale is not None:
        if n_scales == 1:
            return torch.tensor([min_scale]).sqrt()
        c = (min_scale / max_scale) ** (1 / (2 * (n_scales - 1)))
    else:
        max_scale = (c ** (2 * (n_scales - 1))) * min_scale
    return (c ** (2 * (xs - n_scales)) * max_scale).sqrt()


def calculate_normalization(dx: int, scale: float, gamma: float = 1) -> float:
    r"""Lindeberg's scale normalisation of the ``dx``-th directional derivative (1998, eq. 20):
    :math:`s^{d_x (1 - \gamma)} (s^2)^{\gamma / 2}`."""
    return scale ** (dx * (1 - gamma)) * (scale**2) ** (gamma / 2)


def derive_spatial_receptive_field(
    field: Tensor, scale: Tensor, angle: Tensor, derivatives: List[Tuple[int, int]]
) -> Tensor:
    """:func:`derive_spatial_receptive_field_single` for each ``(dx, dy)`` of ``derivatives``,
    stacked: ``(len(derivatives), size, size)``."""
    angle = torch.as_tensor(angle)
    return torch.stack([derive_spatial_receptive_field_single(field, scale, angle, dx, dy) for dx, dy in derivatives])


def spatio_temporal_parameters(
    scales: Tensor,
    angles: Tensor,
    ratios: Tensor,
    derivatives: Derivatives,
    temporal_scales: Tensor,
    include_replicas: bool = False,
) -> Tensor:
    """Every row of :func:`spatial_parameters` paired with every temporal scale (row-major):
    ``(rows * len(temporal_scales), 6)``, the temporal scale last.

    norse 1.1 documents this but raises (``torch.cartesian_prod(p, temporal_scales)`` takes 1-d
    tensors only, and its rows are 2-d); this builds the product it describes."""
    rows = spatial_parameters(scales, angles, ratios, derivatives, include_replicas)
    temporal = torch.as_tensor(temporal_scales, dtype=rows.dtype, device=rows.device)
    repeated = rows.repeat_interleave(len(temporal), dim=0)
    return torch.cat([repeated, temporal.repeat(len(rows)).unsqueeze(1)], 1)
