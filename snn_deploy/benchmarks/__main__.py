"""``make bench`` / ``python -m snn_deploy.benchmarks [--quick] [--workloads W1,W2] [--backends ...]``."""

import argparse
import sys
from pathlib import Path
from typing import List

import torch

from snn_deploy.benchmarks.backends import BACKENDS, SLOW_BACKENDS
from snn_deploy.benchmarks.export_scaling import EXPORT_TABLE_HEADER, export_scaling, format_export_row
from snn_deploy.benchmarks.serving import print_serving_benchmark
from snn_deploy.benchmarks.suite import append_results, format_table, run_suite
from snn_deploy.runtime import retain_freed_memory

ALL_WORKLOADS = ("W1", "W2", "W3", "W4", "ON", "SERVE")


def _steps_list(option: str) -> List[int]:
    """``"16,256"`` -> ``[16, 256]``; ``"none"`` -> ``[]``."""
    if option.lower() == "none":
        return []
    try:
        steps = [int(value) for value in option.split(",")]
    except ValueError:
        steps = []
    if not steps or min(steps) < 1:
        raise argparse.ArgumentTypeError(f"expected positive integers separated by commas, or 'none'; got {option!r}")
    return steps


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="The standard SNN workloads on every backend.")
    parser.add_argument("--quick", action="store_true", help="small shapes: a smoke run in seconds")
    parser.add_argument("--workloads", default=",".join(ALL_WORKLOADS))
    parser.add_argument(
        "--backends", default=",".join(BACKENDS), help=f"any of {', '.join([*BACKENDS, *SLOW_BACKENDS])}"
    )
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument(
        "--system-malloc",
        action="store_true",
        help="leave glibc's malloc as it is (by default freed "
        "memory is kept for reuse: see snn_deploy.runtime.allocator)",
    )
    parser.add_argument(
        "--export-steps",
        type=_steps_list,
        default=None,
        help="T values of the ONNX export-scaling table (default 16,256,1024; quick 4,16; 'none' skips it)",
    )
    parser.add_argument("--results", type=Path, default=Path("bench-results/results.jsonl"))
    args = parser.parse_args(argv)
    device = torch.device(args.device)
    allocator = "system" if args.system_malloc or not retain_freed_memory() else "retained"
    print(
        f"allocator: {allocator} (freed memory {'returned to the OS' if allocator == 'system' else 'kept for reuse'})"
    )
    names = args.workloads.split(",")
    results = run_suite([n for n in names if n != "SERVE"], args.backends.split(","), device, args.quick, args.repeats)
    print(format_table(results))
    serving = print_serving_benchmark(args.quick) if "SERVE" in names else []
    exports = []
    steps = args.export_steps if args.export_steps is not None else [4, 16] if args.quick else [16, 256, 1024]
    if steps:
        print("\nONNX export against T (sequence artifacts unroll the time loop; step artifacts hold one step)")
        print(EXPORT_TABLE_HEADER)
        for export in export_scaling(steps):
            print(format_export_row(export), flush=True)
            exports.append(export)
    append_results([*results, *serving, *exports], args.results, device, args.quick, allocator)
    print(f"\nappended {len(results) + len(serving) + len(exports)} results to {args.results}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
