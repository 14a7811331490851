"""The export matrix's onnx-step column (see :mod:`export_matrix`)."""

import pytest
from cases import CASES
from export_matrix import CASE_IDS, check_artifact_matches_eager_on_new_inputs


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_artifact_matches_eager_on_new_inputs(case, tmp_path):
    check_artifact_matches_eager_on_new_inputs(case, "onnx-step", tmp_path)
