"""A real ``snn-deploy serve`` process on 127.0.0.1 for the serving tests, run with torch blocked."""

import json
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from typing import Any, Dict, List, Optional, Tuple

# Blocks torch (``import torch`` raises ImportError) before running the CLI: the server must not need it.
TORCH_FREE_CLI = "import sys; sys.modules['torch'] = None; from snn_deploy.cli import main; sys.exit(main())"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ServerProcess:
    """``snn-deploy serve ARTIFACTS --port <free> OPTIONS``; ``stop()`` sends SIGTERM and returns
    the exit code and the JSON log lines."""

    def __init__(self, artifacts: List[str], *options: str):
        self.port = free_port()
        self.url = f"127.0.0.1:{self.port}"
        command = [sys.executable, "-c", TORCH_FREE_CLI, "serve", *artifacts, "--port", str(self.port), *options]
        self.process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        while True:
            try:
                if self.get("/v2/health/ready")[0] == 200:
                    return
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.process.kill()
                raise RuntimeError(f"the server did not start:\n{self.process.stderr.read()}")
            time.sleep(0.1)

    def request(self, method: str, path: str, body: Optional[bytes] = None) -> Tuple[int, Any]:
        request = urllib.request.Request(f"http://{self.url}{path}", data=body, method=method)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, text = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read()
        try:
            return status, json.loads(text)
        except ValueError:
            return status, text.decode()

    def get(self, path: str) -> Tuple[int, Any]:
        return self.request("GET", path)

    def post(self, path: str, payload: Any) -> Tuple[int, Any]:
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        return self.request("POST", path, body)

    def metric(self, name: str, **labels: str) -> float:
        """One sample of ``/metrics`` (0 if absent)."""
        _, text = self.get("/metrics")
        selector = ",".join(f'{key}="{value}"' for key, value in sorted(labels.items()))
        for line in text.splitlines():
            sample, _, value = line.rpartition(" ")
            if sample == f"{name}{{{selector}}}" or (not labels and sample == name):
                return float(value)
        return 0.0

    def stop(self) -> Tuple[bool, List[Dict[str, Any]]]:
        """SIGTERM; whether the server shut down cleanly (uvicorn >= 0.29 re-raises the signal after
        its graceful shutdown, older ones exit with 0), and its log."""
        self.process.send_signal(signal.SIGTERM)
        _, stderr = self.process.communicate(timeout=60)
        logs = [json.loads(line) for line in stderr.splitlines() if line.startswith("{")]
        clean = self.process.returncode in (0, -signal.SIGTERM) and logs[-1]["message"].startswith("Finished server")
        return clean, logs


def infer_body(x: Any, datatype: str = "FP32", name: str = "input", **parameters: Any) -> Dict[str, Any]:
    """A JSON infer request for the array ``x`` with request ``parameters``."""
    return {
        "inputs": [{"name": name, "shape": list(x.shape), "datatype": datatype, "data": x.reshape(-1).tolist()}],
        "parameters": parameters,
    }
