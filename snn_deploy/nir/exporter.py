r"""``to_nir``: a model of this package as a NIR graph that :func:`~snn_deploy.nir.from_nir`
re-imports exactly.

``LIF``/``LIFCell`` become ``CubaLIF`` and ``LI``/``LICell`` ``CubaLI`` with
``tau = 1/tau_inv``, ``r = 1`` and :math:`w_\text{in} = \tau_\text{syn}/\Delta t` (the inverse of
the import's input factor, see :mod:`snn_deploy.nir.node_import`), all as float64 arrays of the
neuron shape; ``LIFBoxCell`` becomes ``LIF``, ``LIBoxCell`` ``LI`` (``r = 1``) and ``IAF``/``IAFCell``
``IF`` with ``r = 1/dt``. Recurrent layers become ``Linear(W_in) -> CubaLIF`` with a ``Linear(W_rec)`` edge
back into the neuron; ``LILinearCell`` is ``Linear -> CubaLI``. ``Lift``, ``nn.Linear``,
``nn.Conv1d``/``nn.Conv2d``, ``LConv2d``, ``nn.Flatten``, ``nn.AvgPool2d``, ``nn.Sequential`` and
``SequentialState`` map one to one. Anything else is a :class:`NIRError` naming the module.
"""

from typing import Dict, List, Optional, Sequence, Tuple, Union

import nir
import numpy as np
import torch
from torch import Tensor, nn

from snn_deploy.functional.reset import reset_value
from snn_deploy.module.conv import LConv2d
from snn_deploy.module.iaf import IAF, IAFCell
from snn_deploy.module.leaky_integrator import LI, LICell, LILinearCell
from snn_deploy.module.leaky_integrator_box import LIBoxCell
from snn_deploy.module.lif import LIF, LIFCell, LIFRecurrent, LIFRecurrentCell
from snn_deploy.module.lif_box import LIFBoxCell
from snn_deploy.module.lift import Lift
from snn_deploy.module.sequential import SequentialState
from snn_deploy.module.snn import NeuronCell, NeuronModule
from snn_deploy.nir.errors import NIRError


def _array(value: Tensor, shape: Sequence[int]) -> np.ndarray:
    """A parameter (scalar or per neuron) as a float64 array of the neuron shape."""
    array = value.detach().cpu().to(torch.float64).numpy()
    return np.ascontiguousarray(np.broadcast_to(array, tuple(shape)))


def _weight(value: Tensor) -> np.ndarray:
    return value.detach().cpu().to(torch.float64).numpy().copy()


class _GraphBuilder:
    """Nodes and edges in the order they are added; the last node added is the chain's end."""

    def __init__(self):
        self.nodes: Dict[str, nir.NIRNode] = {}
        self.edges: List[Tuple[str, str]] = []
        self.dt: Optional[float] = None

    def add(self, name: str, node: nir.NIRNode, source: Optional[str]) -> str:
        self.nodes[name] = node
        if source is not None:
            self.edges.append((source, name))
        return name

    def use_dt(self, module: NeuronModule, where: str) -> float:
        if self.dt is None:
            self.dt = float(module.dt)
        elif float(module.dt) != self.dt:
            raise NIRError(f"'{where}' ({type(module).__name__}) has dt={module.dt}, another layer dt={self.dt}")
        return self.dt


def _cuba_lif(p, shape: Sequence[int], dt: float) -> nir.CubaLIF:
    tau_syn = 1.0 / _array(p.tau_syn_inv, shape)
    return nir.CubaLIF(
        tau_syn=tau_syn,
        tau_mem=1.0 / _array(p.tau_mem_inv, shape),
        r=np.ones(tuple(shape)),
        v_leak=_array(p.v_leak, shape),
        v_threshold=_array(p.v_th, shape),
        v_reset=_array(p.v_reset, shape),
        w_in=tau_syn / dt,
    )


def _cuba_li(p, shape: Sequence[int], dt: float) -> nir.CubaLI:
    tau_syn = 1.0 / _array(p.tau_syn_inv, shape)
    return nir.CubaLI(
        tau_syn=tau_syn,
        tau_mem=1.0 / _array(p.tau_mem_inv, shape),
        r=np.ones(tuple(shape)),
        v_leak=_array(p.v_leak, shape),
        w_in=tau_syn / dt,
    )


def _box_lif(cell: LIFBoxCell, shape: Sequence[int]) -> nir.LIF:
    return nir.LIF(
        tau=1.0 / _array(cell.tau_mem_inv, shape),
        r=np.ones(tuple(shape)),
        v_leak=_array(cell.v_leak, shape),
        v_threshold=_array(cell.v_th, shape),
        v_reset=_array(cell.v_reset, shape),
    )


def _conv(conv: Union[nn.Conv1d, nn.Conv2d, LConv2d], weight: Tensor, sample: Tensor, spatial: int) -> nir.NIRNode:
    common = dict(
        weight=_weight(weight),
        stride=tuple(conv.stride[:spatial]),
        padding=conv.padding if isinstance(conv.padding, str) else tuple(conv.padding[:spatial]),
        dilation=tuple(conv.dilation[:spatial]),
        groups=conv.groups,
        bias=np.zeros(weight.shape[0]) if conv.bias is None else _weight(conv.bias),
    )
    if spatial == 1:
        return nir.Conv1d(
            input_shape=int(sample.shape[-1]), **{k: v[0] if isinstance(v, tuple) else v for k, v in common.items()}
        )
    return nir.Conv2d(input_shape=tuple(int(s) for s in sample.shape[-2:]), **common)


def _sample_dim(dim: int, lead: int, where: str, module: nn.Module) -> int:
    if dim < 0:
        return dim
    if dim < lead:
        raise NIRError(f"'{where}' ({type(module).__name__}) flattens the time or batch axis, which NIR cannot express")
    return dim - lead


def _add(
    module: nn.Module, name: str, source: str, sample: Tensor, lead: int, graph: _GraphBuilder
) -> Tuple[str, Tensor]:
    """Add ``module`` after node ``source``; ``sample`` is one step's input ``(1, *shape)`` and
    ``lead`` the number of axes before a sample in the module's own input (2 for a sequence)."""
    where = name or "model"
    with torch.no_grad():
        if isinstance(module, (SequentialState, nn.Sequential)):
            for index, child in enumerate(module):
                source, sample = _add(child, f"{name}_{index}" if name else str(index), source, sample, lead, graph)
            return source, sample
        if isinstance(module, Lift):
            return _add(module.lifted_module, name, source, sample, 1, graph)
        if isinstance(module, nn.Linear):
            node = (
                nir.Linear(_weight(module.weight))
                if module.bias is None
                else nir.Affine(_weight(module.weight), _weight(module.bias))
            )
            return graph.add(where, node, source), module(sample)
        if isinstance(module, LConv2d):
            node = _conv(module, module.weight[..., 0], sample, 2)
            return graph.add(where, node, source), module(sample.unsqueeze(0))[0]
        if isinstance(module, (nn.Conv1d, nn.Conv2d)):
            node = _conv(module, module.weight, sample, 1 if isinstance(module, nn.Conv1d) else 2)
            return graph.add(where, node, source), module(sample)
        if isinstance(module, nn.Flatten):
            start = _sample_dim(module.start_dim, lead, where, module)
            end = _sample_dim(module.end_dim, lead, where, module)
            node = nir.Flatten(input_type={"input": np.array(sample.shape[1:])}, start_dim=start, end_dim=end)
            return graph.add(where, node, source), sample.flatten(start + 1, end + 1 if end >= 0 else end)
        if isinstance(module, nn.AvgPool2d) and not module.ceil_mode and module.count_include_pad:
            kernel, stride, padding = (
                np.array(torch.nn.modules.utils._pair(v)) for v in (module.kernel_size, module.stride, module.padding)
            )
            node = nir.AvgPool2d(kernel_size=kernel, stride=stride, padding=padding)
            return graph.add(where, node, source), module(sample)
        if isinstance(module, (LIF, LIFCell)):
            node = _cuba_lif(module.p, sample.shape[1:], graph.use_dt(module, where))
            return graph.add(where, node, source), sample
        if isinstance(module, (LI, LICell)):
            node = _cuba_li(module.p, sample.shape[1:], graph.use_dt(module, where))
            return graph.add(where, node, source), sample
        if isinstance(module, LIFBoxCell):
            if module.reset_method is not reset_value:
                raise NIRError(f"'{where}' (LIFBoxCell): NIR's LIF resets to v_reset; reset_method must be reset_value")
            graph.use_dt(module, where)
            node = _box_lif(module, sample.shape[1:])
            return graph.add(where, node, source), sample
        if isinstance(module, LIBoxCell):
            shape = sample.shape[1:]
            node = nir.LI(
                tau=1.0 / _array(module.tau_mem_inv, shape),
                r=np.ones(tuple(shape)),
                v_leak=_array(module.v_leak, shape),
            )
            graph.use_dt(module, where)
            return graph.add(where, node, source), sample
        if isinstance(module, (IAF, IAFCell)):
            shape = sample.shape[1:]
            dt = graph.use_dt(module, where)
            node = nir.IF(
                r=np.full(tuple(shape), 1.0 / dt),
                v_threshold=_array(module.v_th, shape),
                v_reset=_array(module.v_reset, shape),
            )
            return graph.add(where, node, source), sample
        if isinstance(module, LILinearCell):
            dt = graph.use_dt(module, where)
            source = graph.add(f"{where}_input_weights", nir.Linear(_weight(module.input_weights)), source)
            return graph.add(where, _cuba_li(module.p, (module.hidden_size,), dt), source), sample.new_zeros(
                1, module.hidden_size
            )
        if isinstance(module, (LIFRecurrent, LIFRecurrentCell)):
            dt = graph.use_dt(module, where)
            source = graph.add(f"{where}_input_weights", nir.Linear(_weight(module.input_weights)), source)
            neuron = graph.add(where, _cuba_lif(module.p, (module.hidden_size,), dt), source)
            back = graph.add(
                f"{where}_recurrent_weights", nir.Linear(_weight(module.masked_recurrent_weights())), neuron
            )
            graph.edges.append((back, neuron))
            return neuron, sample.new_zeros(1, module.hidden_size)
    kind = "neuron model" if isinstance(module, NeuronModule) else "module"
    raise NIRError(f"'{where}' ({type(module).__name__}): this {kind} has no NIR node; see the NIR table in the README")


def to_nir(model: nn.Module, input_shape: Sequence[int]) -> nir.NIRGraph:
    """The NIR graph of ``model`` for inputs of per-sample shape ``input_shape`` (without time and
    batch axes). The layers' common ``dt`` is stored as ``metadata["dt"]``, which
    :func:`~snn_deploy.nir.from_nir` uses by default."""
    if not isinstance(model, nn.Module):
        raise NIRError(f"expected a torch.nn.Module, got {type(model).__name__}")
    shape = [int(size) for size in input_shape]
    graph = _GraphBuilder()
    source = graph.add("input", nir.Input(input_type={"input": np.array(shape)}), None)
    lead = 1 if isinstance(model, NeuronCell) else 2
    last, sample = _add(model, "", source, torch.zeros([1] + shape), lead, graph)
    graph.add("output", nir.Output(output_type={"output": np.array(sample.shape[1:])}), last)
    metadata = {"source": "snn_deploy"} if graph.dt is None else {"source": "snn_deploy", "dt": graph.dt}
    return nir.NIRGraph(nodes=graph.nodes, edges=graph.edges, metadata=metadata, type_check=False)
