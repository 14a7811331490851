"""Small NIR graphs built with the nir API, shared by the NIR tests."""

from typing import Dict, List, Tuple

import nir
import numpy as np


def graph(nodes: Dict[str, nir.NIRNode], edges: List[Tuple[str, str]], **metadata) -> nir.NIRGraph:
    return nir.NIRGraph(nodes=nodes, edges=edges, metadata=metadata, type_check=False)


def io(features) -> Dict[str, nir.NIRNode]:
    shape = np.array(features if isinstance(features, (list, tuple)) else [features])
    return {"input": nir.Input(input_type={"input": shape}), "output": nir.Output(output_type={"output": shape})}


def cuba_lif(n: int, tau_syn=5e-3, tau_mem=1e-2, r=1.0, v_leak=0.0, v_threshold=1.0, v_reset=0.0, w_in=1.0):
    full = lambda value: np.broadcast_to(np.asarray(value, np.float64), (n,)).copy()  # noqa: E731
    return nir.CubaLIF(
        tau_syn=full(tau_syn),
        tau_mem=full(tau_mem),
        r=full(r),
        v_leak=full(v_leak),
        v_threshold=full(v_threshold),
        v_reset=full(v_reset),
        w_in=full(w_in),
    )


def branching_recurrent(seed: int = 0) -> nir.NIRGraph:
    """Input(3) -> Affine and Linear in parallel, summed into a CubaLIF(4) that feeds itself through an
    Affine; the spikes go through a Scale into a CubaLI readout(4): branch, sum, cycle."""
    rng = np.random.default_rng(seed)
    nodes = io(3)
    nodes["output"] = nir.Output(output_type={"output": np.array([4])})
    nodes.update(
        a=nir.Affine(weight=rng.normal(size=(4, 3)), bias=rng.normal(size=4)),
        b=nir.Linear(weight=rng.normal(size=(4, 3))),
        lif=cuba_lif(4, tau_syn=[2e-3, 3e-3, 4e-3, 5e-3], v_threshold=[0.2, 0.3, 0.4, 0.5], w_in=40.0),
        rec=nir.Affine(weight=rng.normal(size=(4, 4)), bias=np.full(4, 0.1)),
        scale=nir.Scale(scale=np.array([1.0, 2.0, 3.0, 4.0])),
        readout=nir.CubaLI(
            tau_syn=np.full(4, 5e-3), tau_mem=np.full(4, 1e-2), r=np.ones(4), v_leak=np.zeros(4), w_in=np.full(4, 5.0)
        ),
    )
    edges = [
        ("input", "a"),
        ("input", "b"),
        ("a", "lif"),
        ("b", "lif"),
        ("lif", "rec"),
        ("rec", "lif"),
        ("lif", "scale"),
        ("scale", "readout"),
        ("readout", "output"),
    ]
    return graph(nodes, edges, dt=1e-3)


def box_chain(seed: int = 0) -> nir.NIRGraph:
    """Input(3) -> Affine -> LIF(4) -> Linear -> IF(4) -> Scale -> LI(4): the neurons without a synapse."""
    rng = np.random.default_rng(seed)
    nodes = io(3)
    nodes["output"] = nir.Output(output_type={"output": np.array([4])})
    ones = np.ones(4)
    nodes.update(
        a=nir.Affine(weight=rng.normal(size=(4, 3)), bias=np.full(4, 0.5)),
        lif=nir.LIF(tau=np.full(4, 5e-3), r=2 * ones, v_leak=0 * ones, v_threshold=0.3 * ones, v_reset=0 * ones),
        b=nir.Linear(weight=np.abs(rng.normal(size=(4, 4)))),
        neuron_if=nir.IF(r=1000 * ones, v_threshold=ones),
        scale=nir.Scale(scale=np.array([1.0, 2.0, 3.0, 4.0])),
        li=nir.LI(tau=np.full(4, 1e-2), r=ones, v_leak=0.1 * ones),
    )
    chain = ["input", "a", "lif", "b", "neuron_if", "scale", "li", "output"]
    return graph(nodes, list(zip(chain[:-1], chain[1:])), dt=1e-3)


def chain(length: int, features: int = 2) -> nir.NIRGraph:
    """Input -> ``length - 2`` Scale nodes -> Output: ``length`` nodes, ``length - 1`` edges."""
    nodes = io(features)
    names = ["input"] + [f"scale{k}" for k in range(length - 2)] + ["output"]
    nodes.update({name: nir.Scale(scale=np.ones(features)) for name in names[1:-1]})
    return graph(nodes, list(zip(names[:-1], names[1:])))


def affine(rows: int, columns: int, seed: int = 0) -> nir.NIRGraph:
    """Input(columns) -> Affine(rows x columns) -> Output(rows)."""
    rng = np.random.default_rng(seed)
    nodes = io(columns) | {"w": nir.Affine(weight=rng.normal(size=(rows, columns)), bias=rng.normal(size=rows))}
    nodes["output"] = nir.Output(output_type={"output": np.array([rows])})
    return graph(nodes, [("input", "w"), ("w", "output")])
