"""Counts on the command line that must be at least 1 are refused while parsing: one usage line."""

import argparse

import pytest

from snn_deploy.cli import main
from snn_deploy.runtime.arguments import positive_int


@pytest.mark.parametrize("text, value", [("1", 1), ("2000", 2000), (" 7 ", 7)])
def test_positive_int_reads_a_count(text: str, value: int):
    assert positive_int(text) == value


@pytest.mark.parametrize("text", ["0", "-1", "-5", "2.5", "ten", ""])
def test_positive_int_refuses_what_is_not_a_positive_count(text: str):
    with pytest.raises(argparse.ArgumentTypeError, match=f"expected a positive integer, got {text!r}"):
        positive_int(text)


@pytest.mark.parametrize(
    "argv, option, value",
    [
        (["bench", "model.onnx", "--steps", "0"], "--steps", "0"),
        (["bench", "model.onnx", "--steps", "-20"], "--steps", "-20"),
        (["bench", "model.onnx", "--threads", "-1"], "--threads", "-1"),
        (["bench", "model.onnx", "--threads", "0"], "--threads", "0"),
        (["run", "model.onnx", "--input", "x.npy", "--threads", "-1"], "--threads", "-1"),
    ],
)
def test_a_count_below_one_is_a_usage_error_before_anything_runs(argv, option, value, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)  # the artifact does not exist: parsing stops first
    assert exit_info.value.code == 2
    error = capsys.readouterr().err
    assert f"error: argument {option}: expected a positive integer, got {value!r}" in error
    assert "Traceback" not in error


@pytest.mark.parametrize(
    "argv, option",
    [(["--repeats", "0"], "--repeats"), (["--budget", "0"], "--budget"), (["--repeats", "-2"], "--repeats")],
)
def test_the_benchs_counts_below_one_are_usage_errors(argv, option, capsys):
    from snn_deploy.benchmarks import gpu_check
    from snn_deploy.benchmarks.__main__ import main as bench_main

    command = gpu_check.main if option == "--budget" else bench_main
    with pytest.raises(SystemExit) as exit_info:
        command(argv)
    assert exit_info.value.code == 2
    assert f"error: argument {option}: expected a positive integer, got {argv[1]!r}" in capsys.readouterr().err
