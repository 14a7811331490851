"""A generated grid of bad inputs over every registry case: each call either works or fails with a
``ValueError``/``TypeError`` raised by snn_deploy's own checks, naming the class; never a
traceback from inside torch."""

import pathlib
import traceback

import pytest
import torch
from case_tools import RNG_SEED
from cases import CASES

from snn_deploy.state import is_namedtuple

PACKAGE = pathlib.Path(__file__).parents[1] / "snn_deploy"


def input_variants(x):
    """``(label, bad input)`` pairs derived from a good input ``x``."""
    variants = [
        ("scalar", x.flatten()[0]),
        ("python float", 1.5),
        ("list", x.tolist()),
        ("rank + 1", x[None]),
        ("int", x.to(torch.int64)),
        ("bool", x > 0),
        ("complex", x.to(torch.complex64)),
        ("float64", x.double()),
        ("float16", x.half()),
        ("empty first dimension (T=0 or B=0)", x[:0]),
    ]
    if x.dim() >= 1:
        variants.append(("rank - 1", x[0]))
    if x.dim() >= 2:
        variants.append(("empty second dimension (B=0)", x[:, :0]))
        variants.append(("last dimension + 1", torch.cat([x, x[..., :1]], -1)))
    return variants


def leaves(state, f):
    """``state`` with ``f`` applied to every tensor leaf of its NamedTuples and lists."""
    if is_namedtuple(state):
        return type(state)(*(leaves(v, f) for v in state))
    if isinstance(state, (list, tuple)):
        return type(state)(leaves(v, f) for v in state)
    return f(state) if isinstance(state, torch.Tensor) else state


def state_variants(state):
    return [
        ("state float64", leaves(state, lambda t: t.double())),
        ("state of another batch", leaves(state, lambda t: torch.cat([t, t, t]) if t.dim() else t)),
        ("state as a plain tuple", tuple(state) if is_namedtuple(state) else (state,)),
        ("state as a tensor", torch.zeros(3)),
        ("state int", leaves(state, lambda t: t.to(torch.int64))),
    ]


def grid(case):
    torch.manual_seed(RNG_SEED)
    args = case.inputs(torch.Generator().manual_seed(0), torch.float32)
    rest = args[1:]
    for label, bad in input_variants(args[0]):
        yield label, (bad, *rest)
    if case.kind in ("cell", "layer"):
        _, state = case.make()(*args)
        given = args[:-1] if args[-1] is None else args  # a trailing None is the state slot
        for label, bad_state in state_variants(state):
            yield label, (*given, bad_state)


def check_failure(error, module):
    names = {type(m).__name__ for m in module.modules()}
    assert isinstance(error, (ValueError, TypeError)), f"{type(error).__name__}: {error}"
    assert any(str(error).startswith(f"{name}:") for name in names), f"message names no class: {error}"
    origin = pathlib.Path(traceback.extract_tb(error.__traceback__)[-1].filename).resolve()
    assert PACKAGE in origin.parents, f"raised inside {origin}, not by snn_deploy's checks: {error}"


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_bad_inputs_work_or_fail_with_a_clear_error(case):
    failures = []
    for label, args in grid(case):
        torch.manual_seed(RNG_SEED)
        module = case.make()
        try:
            module(*args)
        except Exception as error:  # noqa: BLE001 - every exception is examined
            try:
                check_failure(error, module)
            except AssertionError as reason:
                failures.append(f"{label}: {reason}")
    assert not failures, "\n".join(failures)
