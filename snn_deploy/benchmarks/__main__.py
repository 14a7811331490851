"""``make bench`` / ``python -m snn_deploy.benchmarks [--quick] [--workloads W1,W2] [--backends ...]``."""

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any, List

import torch

from snn_deploy.benchmarks.backends import BACKENDS, SLOW_BACKENDS
from snn_deploy.benchmarks.export_scaling import EXPORT_TABLE_HEADER, export_scaling, format_export_row
from snn_deploy.benchmarks.load_time import LOAD_TABLE_HEADER, format_load_row, load_times
from snn_deploy.benchmarks.matmul import event_driven_products, format_sparse_table
from snn_deploy.benchmarks.ort_settings import default_thread_counts, format_settings_table, settings_table
from snn_deploy.benchmarks.serving import print_serving_benchmark
from snn_deploy.benchmarks.suite import append_results, format_table, run_suite
from snn_deploy.benchmarks.workloads import workloads
from snn_deploy.runtime import retain_freed_memory
from snn_deploy.runtime.arguments import positive_int

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
    parser.add_argument("--repeats", type=positive_int, default=5)
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
    parser.add_argument(
        "--load-mb",
        type=float,
        default=None,
        help="model size of the load-time table (default 50; quick 2; 0 skips it)",
    )
    parser.add_argument(
        "--serve-pin", action="store_true", help="SERVE: the server on one core, the load generator on another"
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
    sparse = []
    if "W3" in names:
        print("\nW3 products, event-driven (gathering the weight rows of active inputs) against dense")
        _, w3_input = workloads(args.quick)["W3"].build(device)
        sparse = event_driven_products(w3_input.shape[0], w3_input.shape[1], device, args.repeats)
        print(format_sparse_table(sparse))
    settings: List[Any] = []
    if "W4" in names and device.type == "cpu":
        print("\nW4 step artifact in onnxruntime, per graph optimization level and thread count (us per step)")
        model, w4_input = workloads(args.quick)["W4"].build(device)
        with tempfile.TemporaryDirectory() as workdir:
            settings = settings_table(model.eval(), w4_input, Path(workdir), default_thread_counts())
        print(format_settings_table(settings))
    serving = print_serving_benchmark(args.quick, pinned=args.serve_pin) if "SERVE" in names else []
    exports: List[Any] = []
    steps = args.export_steps if args.export_steps is not None else [4, 16] if args.quick else [16, 256, 1024]
    if steps:
        print("\nONNX export against T (sequence artifacts unroll the time loop; step artifacts hold one step)")
        print(EXPORT_TABLE_HEADER)
        for export in export_scaling(steps):
            print(format_export_row(export), flush=True)
            exports.append(export)
    megabytes = args.load_mb if args.load_mb is not None else 2.0 if args.quick else 50.0
    if megabytes > 0:
        print("\nruntime.load per format, and the share of it spent checking the file (checksum, CRCs, manifest)")
        print(LOAD_TABLE_HEADER)
        for load in load_times(megabytes, repeats=3 if args.quick else 9):
            print(format_load_row(load), flush=True)
            exports.append(load)
    appended = [*results, *sparse, *settings, *serving, *exports]
    append_results(appended, args.results, device, args.quick, allocator)
    print(f"\nappended {len(appended)} results to {args.results}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
