"""A ``snn-deploy serve`` child process on a free loopback port, for tests and benchmarks."""

import json
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from typing import Any, Dict, List, Optional, Sequence, Tuple

CLI = "import sys; from snn_deploy.cli import main; sys.exit(main())"
# ``import torch`` raises ImportError in the child: proves the server runs without torch.
TORCH_FREE_CLI = "import sys; sys.modules['torch'] = None; " + CLI.split("; ", 1)[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ServerProcess:
    """``snn-deploy serve ARTIFACTS --port <free port> OPTIONS`` in a child process, ready when
    built; :meth:`stop` sends SIGTERM and returns whether it shut down cleanly, and its JSON log.
    The log is read as it comes (a full pipe would block the server's logging)."""

    def __init__(self, artifacts: Sequence[str], *options: str, block_torch: bool = False, timeout: float = 60.0):
        self.port = free_port()
        self.url = f"127.0.0.1:{self.port}"
        # The gRPC half on a free port of its own (``grpc_url``), unless the options say otherwise.
        self.grpc_port = free_port()
        self.grpc_url = f"127.0.0.1:{self.grpc_port}"
        if not {"--grpc-port", "--no-grpc"} & set(options):
            options = (*options, "--grpc-port", str(self.grpc_port))
        program = TORCH_FREE_CLI if block_torch else CLI
        command = [sys.executable, "-c", program, "serve", *artifacts, "--port", str(self.port), *options]
        self.process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
        self._log: List[str] = []
        self._reader = threading.Thread(target=self._log.extend, args=(self.process.stderr,), daemon=True)
        self._reader.start()
        deadline = time.monotonic() + timeout
        while True:
            try:
                if self.get("/v2/health/ready")[0] == 200:
                    return
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.process.kill()
                raise RuntimeError(f"the server did not start:\n{self._stderr()}")
            time.sleep(0.1)

    def request(self, method: str, path: str, body: Optional[bytes] = None) -> Tuple[int, Any]:
        """Status and JSON answer (text if not JSON) of one plain HTTP request."""
        request = urllib.request.Request(f"http://{self.url}{path}", data=body, method=method)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
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
        """One sample of ``/metrics`` (0 if absent); labels as in the exposition, sorted by name."""
        _, text = self.get("/metrics")
        selector = ",".join(f'{key}="{value}"' for key, value in sorted(labels.items()))
        wanted = f"{name}{{{selector}}}" if labels else name
        for line in text.splitlines():
            sample, _, value = line.rpartition(" ")
            if sample == wanted:
                return float(value)
        return 0.0

    def _stderr(self) -> str:
        """All the server wrote to stderr, once it has exited."""
        self.process.wait(timeout=120)
        self._reader.join(timeout=120)
        return "".join(self._log)

    def stop(self) -> Tuple[bool, List[Dict[str, Any]]]:
        """SIGTERM; ``clean`` when the server finished (uvicorn re-raises the signal after its
        graceful shutdown, older versions exit with 0)."""
        self.process.send_signal(signal.SIGTERM)
        logs = [json.loads(line) for line in self._stderr().splitlines() if line.startswith("{")]
        finished = bool(logs) and logs[-1]["message"].startswith("Finished server")
        return self.process.returncode in (0, -signal.SIGTERM) and finished, logs
