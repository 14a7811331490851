r"""Spike-timing-dependent plasticity (norse 1.1's ``stdp``) for linear and 2-d convolutional weights.

Traces of pre- and post-synaptic spikes decay and jump by ``a_pre``/``a_post``:

.. math::
    t_{\text{pre}} \leftarrow t_{\text{pre}} + \Delta t\, \tau_{\text{pre}}^{-1} (a_{\text{pre}} z_{\text{pre}} - t_{\text{pre}}),
    \qquad
    t_{\text{post}} \leftarrow t_{\text{post}} + \Delta t\, \tau_{\text{post}}^{-1} (a_{\text{post}} z_{\text{post}} - t_{\text{post}})

and the weights move by :math:`A_+(w)\, z_{\text{post}} t_{\text{pre}}^\top - A_-(w)\, t_{\text{post}} z_{\text{pre}}^\top`
(summed over the batch), then are clipped to :math:`[w_{\min}, w_{\max}]` when ``hardbound``. The
weight dependence :math:`A_\pm` is set by ``stdp_algorithm``:

=======================  ===========================================  ===========================================
algorithm                :math:`A_+(w)`                                :math:`A_-(w)`
=======================  ===========================================  ===========================================
``additive``             :math:`\eta_+`                                :math:`\eta_-`
``additive_step``        :math:`\eta_+ H(w_{\max} - w)`                :math:`\eta_- H(w - w_{\min})`
``multiplicative_pow``   :math:`\eta_+ (w_{\max} - w)^\mu`             :math:`\eta_- (w - w_{\min})^\mu`
``multiplicative_relu``  :math:`\eta_+ \max(w_{\max} - w, 0)`          :math:`\eta_- \max(w - w_{\min}, 0)`
=======================  ===========================================  ===========================================

As in norse, :class:`STDPState` is a mutable object: a step updates the traces of the state it is
given and returns that same object with the new weights. The algorithm is a Python string fixed at
construction, so a step compiles without graph breaks; the parameter and state classes are plain
Python objects (norse's), which TorchScript cannot take.
"""

from typing import Tuple, Union

import torch
from torch import Tensor

from snn_deploy.functional.threshold import heaviside

Number = Union[Tensor, float]
STDP_ALGORITHMS = ("additive", "additive_step", "multiplicative_pow", "multiplicative_relu")


class STDPState:
    """State of STDP: the pre-synaptic trace ``t_pre`` and the post-synaptic trace ``t_post``."""

    def __init__(self, t_pre: Tensor, t_post: Tensor):
        self.t_pre = t_pre
        self.t_post = t_post

    def decay(
        self,
        z_pre: Tensor,
        z_post: Tensor,
        tau_pre_inv: Number,
        tau_post_inv: Number,
        a_pre: Number,
        a_post: Number,
        dt: float = 0.001,
    ) -> None:
        """One Euler step of both traces, in place (equations in the module docstring)."""
        self.t_pre = self.t_pre + (dt * tau_pre_inv * (-self.t_pre + a_pre * z_pre))
        self.t_post = self.t_post + (dt * tau_post_inv * (-self.t_post + a_post * z_post))


class STDPParameters:
    """Parameters of STDP, with norse 1.1's arguments and defaults.

    Parameters:
        a_pre (Tensor): jump of the pre-synaptic trace on a spike
        a_post (Tensor): jump of the post-synaptic trace on a spike
        tau_pre_inv (Tensor): inverse time constant of the pre-synaptic trace in 1/s
        tau_post_inv (Tensor): inverse time constant of the post-synaptic trace in 1/s
        w_min (Tensor): lower weight bound
        w_max (Tensor): upper weight bound
        eta_plus (Tensor): potentiation rate
        eta_minus (Tensor): depression rate
        stdp_algorithm (str): one of ``STDP_ALGORITHMS`` (table in the module docstring)
        mu (Tensor): exponent of ``multiplicative_pow`` (the others fix it: 0 for the additive
            rules, 1 for ``multiplicative_relu``)
        hardbound (bool): clip the weights to ``[w_min, w_max]`` after each step
        convolutional (bool): the weights are a 2-d convolution kernel
        stride, padding, dilation (int): of the convolution
    """

    def __init__(
        self,
        a_pre: Tensor = torch.as_tensor(1.0),
        a_post: Tensor = torch.as_tensor(1.0),
        tau_pre_inv: Tensor = torch.as_tensor(1.0 / 50e-3),
        tau_post_inv: Tensor = torch.as_tensor(1.0 / 50e-3),
        w_min: Number = 0.0,
        w_max: Number = 1.0,
        eta_plus: Number = 1e-3,
        eta_minus: Number = 1e-3,
        stdp_algorithm: str = "additive",
        mu: Number = 0.0,
        hardbound: bool = True,
        convolutional: bool = False,
        stride: int = 1,
        padding: int = 0,
        dilation: int = 1,
    ):
        if stdp_algorithm not in STDP_ALGORITHMS:
            raise ValueError(f"stdp_algorithm must be one of {STDP_ALGORITHMS}, got {stdp_algorithm!r}")
        self.a_pre, self.a_post = a_pre, a_post
        self.tau_pre_inv, self.tau_post_inv = tau_pre_inv, tau_post_inv
        self.w_min, self.w_max = w_min, w_max
        self.eta_plus, self.eta_minus = eta_plus, eta_minus
        self.stdp_algorithm = stdp_algorithm
        fixed_mu = {"multiplicative_pow": mu, "multiplicative_relu": 1.0}.get(stdp_algorithm, 0.0)
        self.mu = torch.as_tensor(fixed_mu)
        self.hardbound = hardbound
        self.convolutional = convolutional
        self.stride, self.padding, self.dilation = stride, padding, dilation

    def A_plus(self, w: Tensor) -> Number:  # noqa: N802 (norse's name)
        """The potentiation rate at weights ``w``."""
        return self.eta_plus * self._dependence(self.w_max - w)

    def A_minus(self, w: Tensor) -> Number:  # noqa: N802 (norse's name)
        """The depression rate at weights ``w``."""
        return self.eta_minus * self._dependence(w - self.w_min)

    def _dependence(self, distance: Tensor) -> Number:
        if self.stdp_algorithm == "additive_step":
            return heaviside(distance)
        if self.stdp_algorithm == "multiplicative_pow":
            return torch.pow(distance, self.mu)
        if self.stdp_algorithm == "multiplicative_relu":
            return torch.relu(distance)
        return 1.0

    def bounding_func(self, w: Tensor) -> Tensor:
        """``w`` clipped to ``[w_min, w_max]`` when ``hardbound``, else ``w``."""
        return torch.clamp(w, self.w_min, self.w_max) if self.hardbound else w  # type: ignore[arg-type]  # clamp takes a number or a tensor; its overloads miss the union


def _decay(state: STDPState, z_pre: Tensor, z_post: Tensor, p: STDPParameters, dt: float) -> None:
    state.decay(z_pre, z_post, p.tau_pre_inv, p.tau_post_inv, p.a_pre, p.a_post, dt)


def stdp_step_linear(
    z_pre: Tensor,
    z_post: Tensor,
    w: Tensor,
    state_stdp: STDPState,
    p_stdp: STDPParameters = STDPParameters(),
    dt: float = 0.001,
) -> Tuple[Tensor, STDPState]:
    """One STDP step of the weights ``w`` ``(post, pre)`` between ``z_pre`` ``(batch, pre)`` and
    ``z_post`` ``(batch, post)``; returns the new weights and ``state_stdp``, updated in place."""
    _decay(state_stdp, z_pre, z_post, p_stdp, dt)
    dw_plus = p_stdp.A_plus(w) * torch.einsum("bi,bj->ij", z_post, state_stdp.t_pre)
    dw_minus = p_stdp.A_minus(w) * torch.einsum("bi,bj->ij", state_stdp.t_post, z_pre)
    return p_stdp.bounding_func(w + (dw_plus - dw_minus)), state_stdp


def stdp_step_conv2d(
    z_pre: Tensor,
    z_post: Tensor,
    w: Tensor,
    state_stdp: STDPState,
    p_stdp: STDPParameters = STDPParameters(),
    dt: float = 0.001,
) -> Tuple[Tensor, STDPState]:
    """One STDP step of the kernel ``w`` ``(out, in, kh, kw)`` between ``z_pre`` ``(batch, in, H, W)``
    and the convolution's output spikes ``z_post`` ``(batch, out, H', W')``; returns the new kernel
    and ``state_stdp``, updated in place."""
    _decay(state_stdp, z_pre, z_post, p_stdp, dt)
    batch_size = z_pre.shape[0]
    out_channels, _, kernel_h, kernel_w = w.shape

    def unfold(x: Tensor) -> Tensor:
        return torch.nn.functional.unfold(
            x, (kernel_h, kernel_w), dilation=p_stdp.dilation, padding=p_stdp.padding, stride=p_stdp.stride
        )

    t_pre, pre = unfold(state_stdp.t_pre), unfold(z_pre)
    post, t_post = z_post.view(batch_size, out_channels, -1), state_stdp.t_post.view(batch_size, out_channels, -1)
    dw_plus = p_stdp.A_plus(w) * torch.einsum("bik,bjk->ij", post, t_pre).view(w.shape)
    dw_minus = p_stdp.A_minus(w) * torch.einsum("bik,bjk->ij", t_post, pre).view(w.shape)
    return p_stdp.bounding_func(w + (dw_plus - dw_minus)), state_stdp
