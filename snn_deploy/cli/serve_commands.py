"""``snn-deploy serve`` and ``snn-deploy triton-repo``, torch-free; the serve extra (Starlette,
uvicorn, prometheus-client) is imported on use."""

import argparse
from typing import Dict

from snn_deploy.cli.command import Command, CommandError

ARTIFACTS_HELP = "ONNX artifacts, each PATH (served under the file's stem) or NAME=PATH"


def _add_serve_arguments(parser: argparse.ArgumentParser) -> None:
    from snn_deploy.serve.config import ServerConfig
    from snn_deploy.serve.limit_options import add_limit_arguments

    defaults = ServerConfig()
    parser.add_argument("artifacts", nargs="+", help=ARTIFACTS_HELP)
    parser.add_argument("--host", default=defaults.host, help=f"default {defaults.host}")
    parser.add_argument("--port", type=int, default=defaults.port, help=f"default {defaults.port}")
    parser.add_argument(
        "--max-batch-size", type=int, default=defaults.max_batch_size, help="samples per batched step call; 1: off"
    )
    parser.add_argument(
        "--max-queue-delay-us",
        type=int,
        default=defaults.max_queue_delay_us,
        help=f"how long a step waits for others to batch with (default {defaults.max_queue_delay_us})",
    )
    parser.add_argument("--max-sequences", type=int, default=defaults.max_sequences, help="live sequences per model")
    parser.add_argument(
        "--sequence-timeout",
        type=float,
        default=defaults.sequence_idle_timeout_s,
        help=f"seconds after which an idle sequence is evicted (default {defaults.sequence_idle_timeout_s:g})",
    )
    parser.add_argument("--workers", type=int, default=defaults.workers, help="threads running model calls")
    parser.add_argument("--threads", type=int, default=defaults.threads, help="onnxruntime intra-op threads")
    parser.add_argument("--log-level", default=defaults.log_level, choices=["debug", "info", "warning", "error"])
    add_limit_arguments(parser)  # the request limits (snn_deploy.serve.limit_options)
    parser.add_argument("--grpc-port", type=int, default=None, help="the gRPC half's port (default: --port + 1)")
    parser.add_argument("--no-grpc", action="store_true", help="serve REST only")


def _run_serve(args: argparse.Namespace) -> int:
    from snn_deploy.serve.config import ServerConfig
    from snn_deploy.serve.limit_options import limits_from_arguments

    try:
        from snn_deploy.serve.server import serve
    except ImportError as error:
        raise CommandError(f"the serve extra is missing ({error}): pip install 'snn_deploy[serve]'") from None
    try:
        config = ServerConfig(
            args.host,
            args.port,
            args.max_batch_size,
            args.max_queue_delay_us,
            args.max_sequences,
            args.sequence_timeout,
            args.workers,
            args.threads,
            args.log_level,
            limits_from_arguments(args),
            grpc=not args.no_grpc,
            grpc_port=args.grpc_port,
        )
    except ValueError as error:
        raise CommandError(str(error)) from None
    serve(args.artifacts, config)
    return 0


def _add_triton_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("artifacts", nargs="+", help=ARTIFACTS_HELP)
    parser.add_argument("--out", required=True, help="the model repository folder to write")
    parser.add_argument("--max-batch-size", type=int, default=64, help="Triton's max_batch_size for step models")
    parser.add_argument("--max-queue-delay-us", type=int, default=500, help="queue delay of the sequence batcher")
    parser.add_argument("--sequence-timeout", type=float, default=60.0, help="seconds before an idle sequence ends")


def _run_triton(args: argparse.Namespace) -> int:
    from snn_deploy.serve.triton import write_repository

    for path in write_repository(
        args.artifacts, args.out, args.max_batch_size, args.max_queue_delay_us, args.sequence_timeout
    ):
        print(f"wrote {path}")
    return 0


COMMANDS: Dict[str, Command] = {
    "serve": Command(
        "serve ONNX artifacts over the Open Inference Protocol v2 (HTTP)", _add_serve_arguments, _run_serve
    ),
    "triton-repo": Command(
        "write a Triton Inference Server model repository for ONNX artifacts",
        _add_triton_arguments,
        _run_triton,
    ),
}
