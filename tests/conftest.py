"""Fixtures shared by the test files, and the ``slow`` marker that ``make test-fast`` leaves out.

The generic tests run every case of ``cases.py``; the fast subset keeps them for the cases in
``REPRESENTATIVE_CASES`` only (a cell, a recurrent layer, a container of LIF, LIFRecurrent and LI
layers, a deterministic and a random encoder, weights as call arguments) and marks the other
cases' runs ``slow``.
"""

import pytest
from runtime_models import Artifacts

REPRESENTATIVE_CASES = {
    "LIFCell",
    "LIFRecurrent",
    "SequentialState",
    "ConstantCurrentLIFEncoder",
    "PoissonEncoder",
    "LIFCorrelation",
}


def pytest_collection_modifyitems(items: list) -> None:
    for item in items:
        case = getattr(item, "callspec", None) and item.callspec.params.get("case")
        if case is not None and case.name not in REPRESENTATIVE_CASES:
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def artifacts(tmp_path_factory: pytest.TempPathFactory) -> Artifacts:
    """The runtime tests' artifacts of one small model, exported once per session on demand."""
    return Artifacts(tmp_path_factory.mktemp("runtime_artifacts"))
