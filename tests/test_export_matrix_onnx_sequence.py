"""The export matrix's onnx-sequence column (see :mod:`export_matrix`)."""

import pytest
from cases import CASES, CASES_BY_NAME
from export_matrix import CASE_IDS, REFUSED, STEP_REFUSED, check_artifact_matches_eager_on_new_inputs


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_artifact_matches_eager_on_new_inputs(case, tmp_path):
    check_artifact_matches_eager_on_new_inputs(case, "onnx-sequence", tmp_path)


def test_refusal_tables_name_registry_cases_only():
    assert (set(REFUSED) | set(STEP_REFUSED)) - set(CASES_BY_NAME) == set()
