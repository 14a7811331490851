"""The ``snn-deploy serve`` options of :class:`snn_deploy.serve.limits.Limits`."""

import argparse

from snn_deploy.serve.limits import DEFAULT_MAX_ELEMENTS, HEADER_ALLOWANCE, JSON_BYTES_PER_VALUE, Limits


def add_limit_arguments(parser: argparse.ArgumentParser) -> None:
    defaults = Limits()
    parser.add_argument(
        "--max-request-elements",
        type=int,
        default=None,
        help=f"values in all inputs of one request (default {DEFAULT_MAX_ELEMENTS}, or one request of the "
        f"largest model at --max-sequence-batch if more)",
    )
    parser.add_argument(
        "--max-body-bytes",
        type=int,
        default=None,
        help=f"bytes of one request body, 413 beyond (default {JSON_BYTES_PER_VALUE} per allowed value "
        f"+ {HEADER_ALLOWANCE})",
    )
    parser.add_argument(
        "--max-sequence-batch",
        type=int,
        default=defaults.max_sequence_batch,
        help=f"samples one sequence may hold (default {defaults.max_sequence_batch})",
    )
    parser.add_argument(
        "--request-timeout",
        type=float,
        default=defaults.request_timeout_s,
        help=f"seconds to send a request's headers and body; slower connections are closed "
        f"(default {defaults.request_timeout_s:g})",
    )
    parser.add_argument(
        "--max-connections",
        type=int,
        default=defaults.max_connections,
        help=f"open connections; one more is closed on arrival (default {defaults.max_connections})",
    )


def limits_from_arguments(args: argparse.Namespace) -> Limits:
    """The :class:`Limits` of parsed options (``ValueError`` for a value that is not positive)."""
    return Limits(
        args.max_request_elements,
        args.max_body_bytes,
        args.max_sequence_batch,
        args.request_timeout,
        args.max_connections,
    )
