"""Fixtures shared by the test files, the ``slow`` marker that ``make test-fast`` leaves out and the
``inductor_sweep`` runs left out unless asked for.

The generic tests run every case of ``cases.py``; the fast subset keeps them for the cases in
``REPRESENTATIVE_CASES`` only (``case_tools.py``) and marks the other cases' runs ``slow``; so are
the runs of a test parametrized with the ``aoti`` format (each builds an AOTInductor package: a
C++ compile). Tests marked ``inductor_sweep`` (inductor compiles of every case) run only when the
``-m`` expression names the marker (``make test-inductor``).
"""

import pytest
from case_tools import REPRESENTATIVE_CASES, Case
from runtime_models import Artifacts


def pytest_collection_modifyitems(config: pytest.Config, items: list) -> None:
    if "inductor_sweep" not in (config.getoption("markexpr") or ""):
        sweep = [item for item in items if item.get_closest_marker("inductor_sweep")]
        if sweep:
            config.hook.pytest_deselected(items=sweep)
            items[:] = [item for item in items if not item.get_closest_marker("inductor_sweep")]
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
