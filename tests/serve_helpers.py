"""Requests for the serving tests (the server process itself is :mod:`snn_deploy.serve.process`)."""

import http.client
import json
import socket
from typing import Any, Dict, Iterable, Optional, Tuple, Union

import numpy as np

from snn_deploy.serve.protocol import HEADER_LENGTH, decode_response, encode_request


def infer_body(x: Any, datatype: str = "FP32", name: str = "input", **parameters: Any) -> Dict[str, Any]:
    """A JSON infer request for the array ``x`` with request ``parameters``."""
    return {
        "inputs": [{"name": name, "shape": list(x.shape), "datatype": datatype, "data": x.reshape(-1).tolist()}],
        "parameters": parameters,
    }


class Connection:
    """One keep-alive HTTP connection to a server on 127.0.0.1."""

    def __init__(self, port: int, timeout: float = 60.0):
        self.http = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)

    def post(
        self, path: str, body: Union[bytes, Iterable[bytes]], headers: Optional[Dict[str, str]] = None
    ) -> Tuple[int, Any]:
        """Status and JSON answer (raw bytes if not JSON) of one POST."""
        self.http.request("POST", path, body, headers or {})
        response = self.http.getresponse()
        text = response.read()
        try:
            return response.status, json.loads(text)
        except ValueError:
            return response.status, text

    def step(self, model: str, x: np.ndarray, **parameters: Any) -> np.ndarray:
        """One binary infer request of ``x``; its output (any status but 200 fails)."""
        body, headers = encode_request("input", x, "output", parameters)
        self.http.request("POST", f"/v2/models/{model}/infer", body, headers)
        response = self.http.getresponse()
        answer = response.read()
        assert response.status == 200, answer[:300]
        return decode_response(answer, response.getheader(HEADER_LENGTH))["output"]

    def close(self) -> None:
        self.http.close()


def half_sent(port: int, data: bytes) -> socket.socket:
    """A connection that sent ``data`` (part of a request) and then nothing more."""
    sock = socket.create_connection(("127.0.0.1", port))
    if data:
        sock.sendall(data)
    return sock


def closed_by_server(sock: socket.socket, timeout: float) -> bool:
    """Whether the server closes ``sock`` within ``timeout`` seconds (what it answered before is skipped)."""
    sock.settimeout(timeout)
    try:
        while sock.recv(65536):
            pass
    except ConnectionResetError:
        pass
    except socket.timeout:
        return False
    finally:
        sock.close()
    return True
