"""Damaged artifacts: every failure to open one is an SnnDeployError, and a damaged ONNX
artifact never loads into a session whose outputs silently differ.

Per format: 1,000 seeded single-byte flips at random offsets, plus truncations at every 1/50
of the file. Each damaged file is opened with ``runtime.load`` (``trusted=True`` for the torch
formats, so that whatever passes snn_deploy's own checks reaches torch's loader too)."""

from pathlib import Path
from typing import List, Tuple

import numpy as np
import pytest
from runtime_models import Artifacts, inputs

from snn_deploy import runtime
from snn_deploy.errors import SnnDeployError

FLIPS = 1000
TRUNCATIONS = 50


def damaged_copies(data: bytes, seed: int) -> List[Tuple[str, bytes]]:
    rng = np.random.default_rng(seed)
    copies = []
    for offset, mask in zip(rng.integers(0, len(data), FLIPS), rng.integers(1, 256, FLIPS)):
        flipped = bytearray(data)
        flipped[offset] ^= int(mask)
        copies.append((f"byte {offset} ^ {mask}", bytes(flipped)))
    for k in range(TRUNCATIONS):
        cut = k * len(data) // TRUNCATIONS
        copies.append((f"truncated to {cut} bytes", data[:cut]))
    return copies


@pytest.mark.parametrize("fmt", ["onnx", "torchscript", "pt2"])
def test_damage_is_always_an_snn_deploy_error(artifacts: Artifacts, fmt: str, tmp_path: Path):
    source = artifacts.path(fmt, "step")
    trusted = fmt != "onnx"
    original = runtime.load(source, trusted=trusted)
    x = inputs(1, 3, seed=5)[0].numpy() * 2
    state = original.initial_state(3)
    expected = original.run(x, state)[0]
    foreign, changed, loaded, refused = [], [], 0, 0
    target = tmp_path / f"damaged{source.suffix}"
    for what, data in damaged_copies(source.read_bytes(), seed=11):
        target.write_bytes(data)
        try:
            session = runtime.load(target, trusted=trusted)
            output = session.run(x, state)[0]
        except SnnDeployError:
            refused += 1
            continue
        except BaseException as error:  # noqa: B036 - RecursionError, MemoryError... all count
            foreign.append(f"{what}: {type(error).__name__}: {error}")
            continue
        loaded += 1
        if fmt == "onnx" and not np.array_equal(output, expected):
            changed.append(what)
    assert foreign == [], f"{len(foreign)} foreign exceptions, e.g. {foreign[:3]}"
    assert changed == [], f"{len(changed)} damaged ONNX files loaded with other outputs: {changed[:5]}"
    assert refused + loaded == FLIPS + TRUNCATIONS and refused > FLIPS // 2
