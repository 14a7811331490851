"""The registry is the package's exports, and the case table covers every public module class."""

import importlib
import inspect

from cases import CASES_BY_NAME
from reference_api import REFERENCE_CLASSES, REFERENCE_FIELDS
from torch import nn

import snn_deploy.api
import snn_deploy.functional
from snn_deploy.registry import MODELS

# norse's custom-neuron classes take user callables (no TorchScript): tests/test_custom_neuron.py
CUSTOM_NEURON_CLASSES = {"SNN", "SNNCell", "SNNRecurrent", "SNNRecurrentCell"}


def public_module_classes():
    return {
        name
        for name, value in vars(snn_deploy.api).items()
        if inspect.isclass(value) and issubclass(value, nn.Module) and name not in CUSTOM_NEURON_CLASSES
    }


def test_every_public_module_class_has_a_case():
    missing = public_module_classes() - set(CASES_BY_NAME)
    assert not missing, f"add these classes to tests/cases.py: {sorted(missing)}"


def test_every_case_names_a_public_class():
    assert set(CASES_BY_NAME) <= public_module_classes()


def test_every_public_name_is_importable_from_the_package():
    import snn_deploy

    for name in snn_deploy.api.__all__:
        assert getattr(snn_deploy, name) is getattr(snn_deploy.api, name)


def test_every_class_of_the_norse_reference_is_importable_from_snn_deploy():
    import snn_deploy

    missing = [name for name in REFERENCE_CLASSES if not hasattr(snn_deploy, name)]
    assert not missing, f"classes of the reference API missing from snn_deploy: {missing}"


def test_reference_namedtuples_have_the_reference_fields_in_order():
    import snn_deploy

    for name, fields in REFERENCE_FIELDS.items():
        assert getattr(snn_deploy, name)._fields == fields, name


def test_the_registry_names_each_public_name_once_from_its_file():
    top_level = [name for m in MODELS for name in m.modules + m.functional + m.top_level_only] + ["compile_model"]
    functional = [name for m in MODELS for name in m.functional + m.functional_only]
    assert len(top_level) == len(set(top_level)) and sorted(top_level) == snn_deploy.api.__all__
    assert len(functional) == len(set(functional)) and sorted(functional) == snn_deploy.functional.__all__
    for model in MODELS:
        for name in model.modules:
            assert getattr(snn_deploy.api, name).__module__ == f"snn_deploy.module.{model.name}", name
        for name in model.functional + model.functional_only:
            value = getattr(snn_deploy.functional, name)
            assert getattr(importlib.import_module(f"snn_deploy.functional.{model.name}"), name) is value, name
