"""Fixtures shared by the test files, and the ``slow`` marker that ``make test-fast`` leaves out.

The generic tests run every case of ``cases.py``; the fast subset keeps them for the cases in
``REPRESENTATIVE_CASES`` only (a cell, a recurrent layer, a container of LIF, LIFRecurrent and LI
layers, a deterministic and a random encoder, weights as call arguments) and marks the other
cases' runs ``slow``; so are the runs of a test parametrized with the ``aoti`` format (each
builds an AOTInductor package: a C++ compile).
"""

import pytest
from case_tools import Case
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
        params = item.callspec.params if hasattr(item, "callspec") else {}
        case = params.get("case")
        aoti = any(isinstance(value, str) and value == "aoti" for value in params.values())
        if isinstance(case, Case) and case.name not in REPRESENTATIVE_CASES or aoti:
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def artifacts(tmp_path_factory: pytest.TempPathFactory) -> Artifacts:
    """The runtime tests' artifacts of one small model, exported once per session on demand."""
    return Artifacts(tmp_path_factory.mktemp("runtime_artifacts"))
