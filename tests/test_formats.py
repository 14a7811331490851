"""Reading artifacts as data: the ONNX protobuf walk and checksum without the onnx package, and
the manifest's field checks."""

import hashlib
import json

import numpy as np
import onnx
import pytest
from runtime_models import Artifacts, inputs

from snn_deploy import runtime
from snn_deploy.errors import ArtifactError, IncompatibleVersionError
from snn_deploy.formats import FORMATS, SUFFIXES, format_of_suffix, read_artifact
from snn_deploy.formats.onnx_file import DIGEST_KEY, LEGACY_DIGEST_KEY, read_metadata, records, with_metadata
from snn_deploy.manifest import MANIFEST_KEY, Manifest


def test_the_format_list_is_defined_once():
    assert list(FORMATS) == ["onnx", "torchscript", "pt2", "aoti"]
    assert SUFFIXES == (".onnx", ".pt", ".pt2", ".ts")
    assert [FORMATS[name].is_code for name in FORMATS] == [False, True, True, True]
    assert format_of_suffix("a/b/MODEL.ONNX") is FORMATS["onnx"] and format_of_suffix("m.pt") is FORMATS["torchscript"]
    with pytest.raises(ArtifactError, match="unknown artifact suffix '.zip'"):
        format_of_suffix("m.zip")


def test_metadata_read_from_raw_bytes_equals_onnx(artifacts: Artifacts):
    data = artifacts.path("onnx", "step").read_bytes()
    model = onnx.load_model_from_string(data)
    metadata = read_metadata(data, "m")
    assert metadata.entries == {entry.key: entry.value for entry in model.metadata_props}
    assert metadata.checksum.key == DIGEST_KEY and len(metadata.checksum.recorded) == 8
    assert [record.field for record in records(data)] == list(metadata.fields)
    assert 7 in metadata.fields  # the graph, skipped by its length


def test_signing_appends_one_record_that_onnx_reads(artifacts: Artifacts, tmp_path):
    data = artifacts.path("onnx", "step").read_bytes()
    signed = with_metadata(data, {"note": "é"})
    model = onnx.load_model_from_string(signed)
    entries = {entry.key: entry.value for entry in model.metadata_props}
    assert entries["note"] == "é" and entries[MANIFEST_KEY] == read_metadata(data, "m").entries[MANIFEST_KEY]
    (tmp_path / "signed.onnx").write_bytes(signed)
    assert read_artifact(tmp_path / "signed.onnx").checksum_verified


def test_files_with_the_earlier_sha256_checksum_still_load(artifacts: Artifacts, tmp_path):
    model = onnx.load(str(artifacts.path("onnx", "step")))
    kept = [entry for entry in model.metadata_props if entry.key != DIGEST_KEY]
    del model.metadata_props[:]
    model.metadata_props.extend(kept)
    digest = hashlib.sha256(model.SerializeToString(deterministic=True)).hexdigest()
    model.metadata_props.add(key=LEGACY_DIGEST_KEY, value=digest)
    path = tmp_path / "legacy.onnx"
    onnx.save(model, str(path))
    x = inputs(1, 2)[0].numpy() * 2
    np.testing.assert_array_equal(runtime.load(path).run(x)[0], runtime.load(artifacts.path("onnx", "step")).run(x)[0])
    data = bytearray(path.read_bytes())
    data[len(data) // 3] ^= 1
    path.write_bytes(bytes(data))
    with pytest.raises(ArtifactError, match="checksum"):
        runtime.load(path)


@pytest.mark.parametrize(
    "data", [b"\x0a\xff\xff\xff\xff\x0f", b"\x0f", b"\x08\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80"]
)
def test_broken_protobuf_is_an_artifact_error(data: bytes):
    with pytest.raises(ArtifactError, match="not a readable ONNX model, truncated or corrupted"):
        records(data)


def _manifest(artifacts: Artifacts) -> dict:
    return json.loads(read_metadata(artifacts.path("onnx", "step").read_bytes(), "m").entries[MANIFEST_KEY])


@pytest.mark.parametrize(
    "change,message",
    [
        (lambda m: m.update(time_steps="4"), "field 'time_steps' is '4'"),
        (lambda m: m.update(dt=-1.0), "field 'dt' is -1.0"),
        (lambda m: m.update(dtype="object"), "field 'dtype' is 'object'"),
        (lambda m: m["inputs"][0].update(shape=[None, 10**12]), r"field 'inputs\[0\].shape' .* elements per sample"),
        (lambda m: m["state"][0].update(shape=[10**12]), r"field 'state\[0\].shape' \[1000000000000\] has"),
        (lambda m: m["state"][0].update(values=[[1.0]]), r"field 'state\[0\].values' does not have the shape"),
        (lambda m: m["state"][0].update(fill="zero"), r"field 'state\[0\].fill' must be a number"),
        (lambda m: m["outputs"][0].update(name=7), r"field 'outputs\[0\].name' must be a string"),
        (lambda m: m.update(producer={"torch": 2}), "field 'producer' must map names to version strings"),
        (lambda m: m.update(inputs={}), "field 'inputs' must be a list"),
        (lambda m: m.pop("mode"), r"missing \['mode'\]"),
        (lambda m: m.update(model={"tree": _nested(100)}), "nested more than 64 levels"),
    ],
)
def test_manifest_fields_are_checked(artifacts: Artifacts, change, message: str):
    manifest = _manifest(artifacts)
    change(manifest)
    with pytest.raises(ArtifactError, match=message):
        Manifest.from_json(json.dumps(manifest), "m.onnx")


def _nested(depth: int) -> dict:
    tree: dict = {}
    for _ in range(depth):
        tree = {"children": tree}
    return tree


def test_a_deeply_nested_manifest_is_an_artifact_error():
    text = '{"format_version": 1, "model": ' + "[" * 100_000 + "]" * 100_000 + "}"
    with pytest.raises(ArtifactError, match="nested too deeply"):
        Manifest.from_json(text, "m")
    with pytest.raises(ArtifactError, match="not valid JSON"):
        Manifest.from_json(b"\xff\xfe{", "m")
    with pytest.raises(IncompatibleVersionError):
        Manifest.from_json('{"format_version": 2}', "m")


@pytest.mark.parametrize("version", [-5, 0, "1", 1.0, True, None])
def test_a_format_version_that_is_no_positive_integer_is_refused_as_malformed(version):
    with pytest.raises(ArtifactError, match="format_version must be a positive integer") as error:
        Manifest.from_json(json.dumps({"format_version": version}), "m")
    assert not isinstance(error.value, IncompatibleVersionError)  # not "upgrade snn_deploy"
