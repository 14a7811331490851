"""Run ONNX artifacts with onnxruntime (never imports torch unless given torch tensors).

On CUDA the graph runs with I/O binding: torch CUDA tensors are bound in place and the outputs
are written into new torch CUDA tensors, so nothing leaves the GPU; numpy arrays are copied in
and the outputs copied back.
"""

import sys
from typing import Any, List, Optional, Sequence

import numpy as np

from snn_deploy.errors import ArtifactError, DeviceError, first_line
from snn_deploy.formats import ArtifactFile
from snn_deploy.runtime import signature as signatures
from snn_deploy.runtime.arrays import is_torch, to_numpy
from snn_deploy.runtime.bound_stream import BoundState, refusal
from snn_deploy.runtime.devices import parse_device
from snn_deploy.runtime.signature import Port, Signature

_ONNX_TYPES = {
    "tensor(float)": "float32",
    "tensor(double)": "float64",
    "tensor(float16)": "float16",
    "tensor(bfloat16)": "bfloat16",
    "tensor(int64)": "int64",
    "tensor(int32)": "int32",
    "tensor(bool)": "bool",
}


def _port(node: Any) -> Port:
    shape = tuple(size if isinstance(size, int) else None for size in node.shape)
    return Port(node.name, shape, _ONNX_TYPES.get(node.type, node.type))


class OnnxBackend:
    """One ``onnxruntime.InferenceSession``; ``run`` is safe to call from many threads."""

    kind = "onnx"

    def __init__(self, artifact: ArtifactFile, device: str, threads: Optional[int], providers: Optional[Sequence[Any]]):
        """Build the onnxruntime session for ``artifact``, whose checksum is checked first unless
        :func:`~snn_deploy.formats.read_artifact` did (hashing beside the session build in a
        thread made the load slower on a busy 2-core machine, so it stays sequential)."""
        import onnxruntime

        path = artifact.path
        self.path = path
        self.device = device
        self._device_type, self._device_id = parse_device(device)
        providers = self._providers(onnxruntime, providers)
        options = onnxruntime.SessionOptions()
        options.log_severity_level = 3
        if threads:
            options.intra_op_num_threads = int(threads)
            options.inter_op_num_threads = 1
        if not artifact.checksum_verified:
            artifact.verify_checksum()
        try:
            self.session = onnxruntime.InferenceSession(path, options, providers=providers)
        except Exception as error:
            raise ArtifactError(
                f"{path}: not an artifact onnxruntime can load (a truncated or corrupted file, or not a "
                f"model at all): {first_line(error)}"
            ) from None
        if self._device_type == "cuda" and self.session.get_providers()[0] != "CUDAExecutionProvider":
            raise DeviceError(f"{path}: onnxruntime could not place the model on {device}")
        self.signature = self._signature(artifact)

    def _providers(self, onnxruntime: Any, providers: Optional[Sequence[Any]]) -> List[Any]:
        available = onnxruntime.get_available_providers()
        if providers is None:
            if self._device_type == "cpu":
                providers = ["CPUExecutionProvider"]
            else:
                providers = [("CUDAExecutionProvider", {"device_id": self._device_id}), "CPUExecutionProvider"]
        for provider in providers:
            name = provider[0] if isinstance(provider, tuple) else provider
            if name not in available:
                raise DeviceError(
                    f"device {self.device!r} needs onnxruntime's {name}, but this onnxruntime has only "
                    f"{available} (install onnxruntime-gpu for CUDA)"
                )
        return list(providers)

    def _signature(self, artifact: ArtifactFile) -> Signature:
        declared_in = [_port(node) for node in self.session.get_inputs()]
        declared_out = [_port(node) for node in self.session.get_outputs()]
        if artifact.manifest is None:
            return signatures.from_declared(declared_in, declared_out, self.path)
        signature = signatures.from_manifest(artifact.manifest, self.path)
        if [p.name for p in declared_in] != signature.input_names or {p.name for p in declared_out} != set(
            signature.output_names
        ):
            raise ArtifactError(
                f"{self.path}: the manifest's ports {signature.input_names} -> {signature.output_names} do not "
                f"match the graph's {[p.name for p in declared_in]} -> {[p.name for p in declared_out]}"
            )
        return signature

    # Arrays: numpy on CPU; on CUDA torch tensors stay torch (on the device), numpy stays numpy.

    def to_native(self, value: Any) -> Any:
        if self._device_type == "cuda" and is_torch(value):
            return value.to(f"cuda:{self._device_id}").contiguous()
        return to_numpy(value)

    def from_native(self, value: Any, as_torch: bool) -> Any:
        if is_torch(value):
            return value if as_torch else value.cpu().numpy()
        if as_torch:
            return sys.modules["torch"].from_numpy(value).to(self.device)
        return value

    def run(self, feeds: List[Any], batch_size: Optional[int]) -> List[Any]:
        """Feed ``feeds`` in input order; return the outputs in ``signature.output_names`` order."""
        names = self.signature.input_names
        try:
            if self._device_type == "cpu":
                return self.session.run(self.signature.output_names, dict(zip(names, feeds)))
            return self._run_bound(feeds, batch_size)
        except Exception as error:
            raise refusal(self.path, error) from None

    def bind_state(self, batch_size: int) -> Optional[BoundState]:
        """A stream's state bound in place for a step artifact on CPU; ``None`` on CUDA (its
        steps bind per call) or where a port has a free axis besides the batch."""
        sig = self.signature
        ports = [sig.input, *sig.outputs, *(state.port for state in sig.states)]
        if self._device_type != "cpu" or len(sig.outputs) != 1 or any(p.shape.count(None) > 1 for p in ports):
            return None
        return BoundState(self.session, sig, self.path, batch_size)

    def _run_bound(self, feeds: List[Any], batch_size: Optional[int]) -> List[Any]:
        binding = self.session.io_binding()
        on_gpu = any(is_torch(value) for value in feeds)
        if on_gpu:
            sys.modules["torch"].cuda.current_stream(self._device_id).synchronize()
        for name, value in zip(self.signature.input_names, feeds):
            if is_torch(value):
                dtype = np.dtype(str(value.dtype).removeprefix("torch."))
                binding.bind_input(name, "cuda", self._device_id, dtype, tuple(value.shape), value.data_ptr())
            else:
                binding.bind_cpu_input(name, value)
        ports = {port.name: port for port in self.signature.outputs}
        ports.update({state.output_name: state.port for state in self.signature.states})
        results = []
        for name in self.signature.output_names:
            port = ports[name]
            if on_gpu and batch_size is not None and port.shape.count(None) == 1:
                torch = sys.modules["torch"]
                tensor = torch.empty(port.with_batch(batch_size), dtype=getattr(torch, port.dtype), device=self.device)
                binding.bind_output(
                    name, "cuda", self._device_id, np.dtype(port.dtype), tuple(tensor.shape), tensor.data_ptr()
                )
                results.append(tensor)
            else:
                binding.bind_output(name, "cuda", self._device_id)
                results.append(None)
        self.session.run_with_iobinding(binding)
        if all(result is not None for result in results):
            return results
        copies = binding.copy_outputs_to_cpu()
        if on_gpu:
            torch = sys.modules["torch"]
            return [r if r is not None else torch.from_numpy(c).to(self.device) for r, c in zip(results, copies)]
        return copies
