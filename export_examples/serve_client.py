"""Drive an example network served by ``snn-deploy serve`` over the Open Inference Protocol v2.

    snn-deploy serve artifacts/conv_digits/model_step.onnx --port 8000 &
    python -m export_examples.serve_client --url 127.0.0.1:8000 [--samples 64] [--model model_step]

Every test digit is one stateful stream (its own ``sequence_id``), fed one time step per request
at batch 1, ``--concurrency`` streams at once so that the server batches their steps. The class
scores come from the streamed outputs as in ``export_examples/serve.py``; the script prints the
accuracy and the request rate. ``--example-request FILE`` writes one step's JSON request instead
(for curl). Imports no torch.
"""

import argparse
import http.client
import json
import sys
import threading
import time
from pathlib import Path
from typing import List

import numpy as np

from export_examples.serve import streamed_scores
from snn_deploy.serve.protocol import HEADER_LENGTH, decode_response, encode_request

DEFAULT_TEST_SET = Path("artifacts/conv_digits/test_set.npz")


def stream_scores(url: str, model: str, sequence_id: int, sample: np.ndarray, readout: str) -> np.ndarray:
    """One digit ``(T, 1, ...)`` streamed step by step as sequence ``sequence_id``: its class scores."""
    host, _, port = url.partition(":")
    connection = http.client.HTTPConnection(host, int(port or 80), timeout=60)
    outputs = []
    for t, x_t in enumerate(sample):
        parameters = {"sequence_id": sequence_id, "sequence_start": t == 0, "sequence_end": t == len(sample) - 1}
        body, headers = encode_request("input", x_t, "output", parameters)
        connection.request("POST", f"/v2/models/{model}/infer", body, headers)
        response = connection.getresponse()
        answer = response.read()
        if response.status != 200:
            raise RuntimeError(f"HTTP {response.status}: {json.loads(answer)['error']}")
        outputs.append(decode_response(answer, response.getheader(HEADER_LENGTH))["output"])
    connection.close()
    return streamed_scores(outputs, readout)[0]


def example_request(sample: np.ndarray) -> dict:
    """The JSON request of a stream's first step (sequence 1, starting)."""
    step = sample[0]
    tensor = {"name": "input", "shape": list(step.shape), "datatype": "FP32", "data": step.reshape(-1).tolist()}
    return {"inputs": [tensor], "parameters": {"sequence_id": 1, "sequence_start": True, "sequence_end": True}}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="127.0.0.1:8000", help="host:port of the server")
    parser.add_argument("--model", default="model_step", help="the served step artifact's name")
    parser.add_argument("--test-set", type=Path, default=DEFAULT_TEST_SET)
    parser.add_argument("--samples", type=int, default=64, help="test digits to stream")
    parser.add_argument("--concurrency", type=int, default=16, help="streams at once")
    parser.add_argument("--example-request", type=Path, help="only write one step's JSON request to this file")
    args = parser.parse_args(argv)
    test_set = np.load(args.test_set)
    inputs, labels, readout = test_set["inputs"], test_set["labels"], str(test_set["readout"])
    if args.example_request:
        args.example_request.write_text(json.dumps(example_request(inputs[:, :1])))
        print(f"wrote {args.example_request}")
        return 0
    samples = min(args.samples, labels.shape[0])
    predicted: List[int] = [-1] * samples
    next_sample = iter(range(samples))
    lock = threading.Lock()

    def worker() -> None:
        while True:
            with lock:
                index = next(next_sample, None)
            if index is None:
                return
            scores = stream_scores(args.url, args.model, index + 1, inputs[:, index : index + 1], readout)
            predicted[index] = int(scores.argmax())

    start = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(args.concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - start
    if -1 in predicted:
        print("some streams failed; see the errors above", file=sys.stderr)
        return 1
    correct = int(np.sum(np.asarray(predicted) == labels[:samples]))
    requests = samples * inputs.shape[0]
    print(
        f"{args.url}/{args.model}: {samples} digits streamed ({args.concurrency} at once, {inputs.shape[0]} steps "
        f"each): {correct}/{samples} correct ({correct / samples:.2%}), {requests / seconds:.0f} requests/s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
