"""Fixtures shared by the test files."""

import pytest
from runtime_models import Artifacts


@pytest.fixture(scope="session")
def artifacts(tmp_path_factory: pytest.TempPathFactory) -> Artifacts:
    """The runtime tests' artifacts of one small model, exported once per session on demand."""
    return Artifacts(tmp_path_factory.mktemp("runtime_artifacts"))
