"""Each bad input, state, file and device gets its own clear, typed error."""

import json
import shutil
import sys

import numpy as np
import onnx
import pytest
from runtime_models import FEATURES, Artifacts, T, inputs

from snn_deploy import runtime
from snn_deploy.errors import ArtifactError, DeviceError, IncompatibleVersionError, InputError
from snn_deploy.manifest import MANIFEST_KEY, ONNX_DIGEST_KEY, onnx_digest


@pytest.fixture
def session(artifacts: Artifacts) -> runtime.Session:
    return runtime.load(artifacts.path("onnx", "sequence"), step_artifact=artifacts.path("onnx", "step"))


def test_wrong_rank_names_the_input(session: runtime.Session):
    with pytest.raises(InputError, match=r"input 'input': expected a 3-D array \(time, batch, 5\), got 2-D"):
        session.run(np.zeros((2, FEATURES), np.float32))


def test_wrong_feature_size(session: runtime.Session):
    with pytest.raises(InputError, match=r"input 'input': expected shape .*axis 2 is 7, expected 5"):
        session.run(np.zeros((T, 2, 7), np.float32))


def test_wrong_dtype(session: runtime.Session):
    with pytest.raises(InputError, match="input 'input': expected dtype float32, got float64"):
        session.run(np.zeros((T, 2, FEATURES)))


def test_non_native_byte_order_is_not_taken_for_float32(session: runtime.Session):
    swapped = np.zeros((T, 2, FEATURES), np.float32).astype(np.dtype(np.float32).newbyteorder())
    with pytest.raises(InputError, match="input 'input': expected dtype float32, got [<>]f4"):
        session.run(swapped)


def test_not_an_array(session: runtime.Session):
    with pytest.raises(InputError, match="expected a numpy array or torch tensor, got list"):
        session.run([[0.0] * FEATURES])


def test_state_batch_differs_from_input_batch(session: runtime.Session):
    state = session.initial_state(3)
    with pytest.raises(InputError, match="state '1.v': has batch size 3, the input has batch size 2"):
        session.run(np.zeros((T, 2, FEATURES), np.float32), state)


def test_stream_batch_differs(session: runtime.Session):
    stream = session.stream(batch_size=2)
    with pytest.raises(InputError, match="batch size 4, this stream has 2"):
        stream.step(np.zeros((4, FEATURES), np.float32))


@pytest.mark.parametrize("batch_size", [True, 0, -1, 2.0])
def test_a_stream_batch_size_must_be_a_positive_int(session: runtime.Session, batch_size):
    with pytest.raises(InputError, match=f"batch_size: expected a positive int, got {batch_size!r}"):
        session.stream(batch_size)


def test_state_with_other_paths_is_from_another_model(session: runtime.Session):
    with pytest.raises(
        InputError, match=r"does not belong to this model: missing \['1.v', '1.i', '3.v', '3.i'\], unexpected \['v'\]"
    ):
        session.run(np.zeros((T, 2, FEATURES), np.float32), {"v": np.zeros((2, 3), np.float32)})


def test_state_tagged_by_another_model(session: runtime.Session, tmp_path, artifacts: Artifacts):
    other = runtime.load(_rewrite_manifest(artifacts.path("onnx", "step"), tmp_path, model={"kind": "cell"}))
    with pytest.raises(InputError, match="it comes from another model"):
        session.run(np.zeros((T, 2, FEATURES), np.float32), other.initial_state(2))


def test_remainder_without_step_artifact(artifacts: Artifacts):
    session = runtime.load(artifacts.path("onnx", "sequence"))
    session.run(np.zeros((2 * T, 1, FEATURES), np.float32))
    with pytest.raises(InputError, match="needs the model's step artifact"):
        session.run(np.zeros((T + 1, 1, FEATURES), np.float32))


def test_step_artifact_of_another_layout(artifacts: Artifacts):
    with pytest.raises(ArtifactError, match="not a step artifact"):
        runtime.load(artifacts.path("onnx", "sequence"), step_artifact=artifacts.path("onnx", "sequence"))


@pytest.mark.parametrize("fmt", ["onnx", "torchscript", "pt2"])
def test_truncated_file(artifacts: Artifacts, tmp_path, fmt: str):
    source = artifacts.path(fmt, "step")
    target = tmp_path / source.name
    target.write_bytes(source.read_bytes()[: source.stat().st_size // 2])
    with pytest.raises(ArtifactError, match="truncated or corrupted"):
        runtime.load(target, trusted=True)


@pytest.mark.parametrize("fmt", ["onnx", "torchscript"])
def test_corrupted_file(artifacts: Artifacts, tmp_path, fmt: str):
    data = bytearray(artifacts.path(fmt, "step").read_bytes())
    middle = len(data) // 2
    data[middle : middle + 64] = bytes(range(64))
    target = tmp_path / f"corrupted{artifacts.path(fmt, 'step').suffix}"
    target.write_bytes(bytes(data))
    with pytest.raises(ArtifactError):
        session = runtime.load(target, trusted=True)
        session.run(np.zeros((1, FEATURES), np.float32))


def test_future_format_version(artifacts: Artifacts, tmp_path):
    path = _rewrite_manifest(artifacts.path("onnx", "step"), tmp_path, format_version=99)
    with pytest.raises(IncompatibleVersionError, match="format version 99.*upgrade snn_deploy"):
        runtime.load(path)


def test_future_format_version_in_a_zip_artifact(artifacts: Artifacts, tmp_path):
    import zipfile

    source = artifacts.path("torchscript", "step")
    target = tmp_path / "future.ts"
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for item in old.infolist():
            data = old.read(item)
            if item.filename.endswith(MANIFEST_KEY):
                data = json.dumps(dict(json.loads(data), format_version=99)).encode()
            new.writestr(item, data)
    with pytest.raises(IncompatibleVersionError):
        runtime.load(target)


@pytest.mark.parametrize("content", [b"hello, not a model\n", np.arange(4).tobytes(), b""])
def test_not_an_artifact(tmp_path, content: bytes):
    path = tmp_path / "file.onnx"
    path.write_bytes(content)
    with pytest.raises(ArtifactError):
        runtime.load(path)


def test_a_zip_that_is_not_an_artifact(tmp_path):
    archive = shutil.make_archive(str(tmp_path / "folder"), "zip", root_dir=str(tmp_path))
    with pytest.raises(ArtifactError, match="unknown artifact suffix '.zip'"):
        runtime.load(archive)
    renamed = tmp_path / "folder.ts"
    shutil.move(archive, renamed)
    with pytest.raises(ArtifactError, match="not a TorchScript or .pt2 artifact"):
        runtime.load(renamed, trusted=True)


def test_missing_file(tmp_path):
    with pytest.raises(ArtifactError, match="no such file"):
        runtime.load(tmp_path / "missing.onnx")


def test_plain_onnx_runs_with_its_declared_names(artifacts: Artifacts, tmp_path):
    model = onnx.load(str(artifacts.path("onnx", "step")))
    del model.metadata_props[:]
    path = tmp_path / "plain.onnx"
    onnx.save(model, str(path))
    plain = runtime.load(path)
    manifested = runtime.load(artifacts.path("onnx", "step"))
    assert plain.manifest is None and plain.state_paths == manifested.state_paths
    state = manifested.initial_state(2)
    x = inputs(1, 2)[0].numpy() * 2
    np.testing.assert_array_equal(plain.run(x, state)[0], manifested.run(x, state)[0])
    with pytest.raises(InputError, match="declares no initial state"):
        plain.run(x)


@pytest.mark.skipif("torch" in sys.modules and __import__("torch").cuda.is_available(), reason="CUDA present")
@pytest.mark.parametrize("fmt", ["onnx", "torchscript"])
def test_unavailable_device_is_an_error(artifacts: Artifacts, fmt: str):
    with pytest.raises(DeviceError, match="cuda"):
        runtime.load(artifacts.path(fmt, "step"), device="cuda", trusted=True)


def test_unknown_device(artifacts: Artifacts):
    with pytest.raises(DeviceError, match="unknown device 'tpu'"):
        runtime.load(artifacts.path("onnx", "step"), device="tpu")


def _rewrite_manifest(source, folder, **changes):
    """The artifact as an exporter that wrote these manifest fields would have written it."""
    model = onnx.load(str(source))
    for entry in model.metadata_props:
        if entry.key == MANIFEST_KEY:
            entry.value = json.dumps(dict(json.loads(entry.value), **changes))
    for entry in model.metadata_props:
        if entry.key == ONNX_DIGEST_KEY:
            entry.value = onnx_digest(model)
    path = folder / f"rewritten_{'_'.join(changes)}.onnx"
    onnx.save(model, str(path))
    return path


def test_a_flipped_byte_anywhere_in_an_onnx_artifact_is_caught_by_its_checksum(artifacts: Artifacts, tmp_path):
    model = onnx.load(str(artifacts.path("onnx", "step")))
    weights = next(t for t in model.graph.initializer if t.raw_data)
    weights.raw_data = bytes([weights.raw_data[0] ^ 1]) + weights.raw_data[1:]  # still a valid model
    target = tmp_path / "flipped.onnx"
    onnx.save(model, str(target))
    with pytest.raises(ArtifactError, match="does not match the checksum recorded at export"):
        runtime.load(target)
