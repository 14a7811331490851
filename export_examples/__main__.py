"""``make export``: train, export, validate and evaluate every example; print and write a report.

python -m export_examples [--epochs N] [--artifacts DIR] [--checkpoints DIR] [--no-progress]
"""

import argparse
import sys
from pathlib import Path
from typing import List

import torch

from export_examples import raster, training
from export_examples.digits import load_split
from export_examples.pipeline import ArtifactRow, run_example, trained_model
from export_examples.train import EXAMPLES

HEADER = (
    "example",
    "format",
    "mode",
    "file size",
    "export s",
    "max deviation",
    "accuracy",
    "same as eager",
    "spikes as float",
)
NOTES = """\
Float formats must predict every test digit exactly as eager ("yes"); their max deviation is from
eager on the export's validation inputs. The int8 rows are the ONNX sequence artifact quantized by
`snn-deploy quantize` (dynamic: int8 weights; static: int8 weights and activations, calibrated on
the artifact's recorded reference): int8 moves some spikes, so "same as eager" is the share of test
predictions equal to eager's, and max deviation and "spikes as float" (the share of spike values
equal, "-" where no output is a spike) are the quantization report's, against the float artifact.
"""


def table(rows: List[ArtifactRow]) -> List[List[str]]:
    return [
        [
            row.example,
            row.format,
            row.mode,
            f"{row.file_bytes / 1024:.0f} KiB" if row.path else "-",
            f"{row.export_seconds:.1f}" if row.path else "-",
            f"{row.max_deviation:.1e}" if row.path else "-",
            f"{row.accuracy:.2%}",
            ("yes" if row.eager_agreement == 1.0 else "NO") if row.held_to_eager else f"{row.eager_agreement:.2%}",
            "-" if row.spike_agreement is None else f"{row.spike_agreement:.2%}",
        ]
        for row in rows
    ]


def markdown(rows: List[List[str]]) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows])


def plain(rows: List[List[str]]) -> str:
    widths = [max(len(str(cell)) for cell in column) for column in zip(HEADER, *rows)]
    return "\n".join("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths)) for row in [HEADER, *rows])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--epochs",
        type=int,
        help="training epochs (default: each example's own); a reduced run skips the accuracy targets",
    )
    parser.add_argument("--artifacts", type=Path, default=Path("artifacts"))
    parser.add_argument("--checkpoints", type=Path, default=Path("checkpoints"))
    parser.add_argument("--no-progress", action="store_true")
    args = parser.parse_args(argv)
    split = load_split()
    all_rows: List[ArtifactRow] = []
    notes = []
    for example in EXAMPLES.values():
        epochs = args.epochs or example.EPOCHS
        model, seconds = trained_model(
            example, split, args.checkpoints / f"{example.NAME}.pt", epochs, not args.no_progress
        )
        notes.append(
            f"- {example.NAME}: "
            + (f"trained {epochs} epochs in {seconds:.0f} s" if seconds else "loaded from its checkpoint")
        )
        rows = run_example(example, model, split, args.artifacts)
        all_rows += rows
        sample = example.encode(torch.from_numpy(split.test_images[:1]))
        predicted = int(training.predict(model, sample, example.READOUT)[0])
        picture = args.artifacts / example.NAME / "raster.png"
        raster.plot_raster(sample, raster.record_layers(model, sample), int(split.test_labels[0]), predicted, picture)
        notes.append(f"  ![{example.NAME} spike raster]({picture.relative_to(args.artifacts)})")
    rows = table(all_rows)
    print(plain(rows) + "\n\n" + NOTES, end="")
    report = args.artifacts / "report.md"
    report.write_text(
        "# Example networks: exported and checked\n\n"
        + markdown(rows)
        + "\n\n"
        + NOTES
        + "\n"
        + "\n".join(notes)
        + "\n"
    )
    print(f"\nreport: {report}")
    failures = [
        f"{r.example} {r.format} {r.mode}: predictions differ from eager"
        for r in all_rows
        if r.held_to_eager and r.eager_agreement < 1.0
    ]
    if args.epochs is None:
        failures += [
            f"{example.NAME}: accuracy {row.accuracy:.2%} is below the target {example.TARGET_ACCURACY:.0%}"
            for example in EXAMPLES.values()
            for row in all_rows
            if row.example == example.NAME and row.format == "eager" and row.accuracy < example.TARGET_ACCURACY
        ]
    for failure in failures:
        print(f"FAILED: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
