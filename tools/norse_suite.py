"""norse 1.1.0's own module and functional tests, run against snn_deploy through an import alias.

    PYTHONPATH=$PWD .venv/bin/python tools/norse_suite.py [--dir /tmp/norse-suite] [--skip-norse]

Builds a scratch virtualenv under ``--dir`` (outside the repository) with torch and norse 1.1.0
(norse from its published sdist, which ships its tests; no dependencies pulled, so no other torch
comes in), copies norse's ``torch/functional/test`` and ``torch/module/test`` out of it, runs them
once on real norse (the denominator) and once with this interpreter (snn_deploy's environment, no
norse in it) and ``tools/norse_alias`` first on the path, which forwards every ``norse.*`` name to
snn_deploy. Prints the pass counts and every test that passes on norse and fails here, grouped by
the first line of its error. norse's code is never committed nor a dependency of snn_deploy.
"""

import argparse
import collections
import os
import pathlib
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ElementTree

REPO = pathlib.Path(__file__).resolve().parent.parent
ALIAS = REPO / "tools" / "norse_alias"
NORSE = "norse==1.1.0"
TORCH = os.environ.get("TORCH_SPEC", "torch==2.13.0")
NORSE_DEPS = ("numpy", "h5py", "pytest", "setuptools>=64", "setuptools_scm")
SUITES = ("functional", "module")
RELATIVE = re.compile(r"^from (\.+)", re.MULTILINE)


def pip(venv: pathlib.Path, *arguments: str) -> None:
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", *arguments], check=True)


def scratch_norse(directory: pathlib.Path) -> pathlib.Path:
    """The scratch virtualenv with norse 1.1.0 (made once); returns its norse package folder."""
    venv = directory / "venv"
    if not (venv / ".installed").exists():
        subprocess.run(["python3", "-m", "venv", "--clear", str(venv)], check=True)
        pip(venv, TORCH)
        pip(venv, *NORSE_DEPS)
        pip(venv, "--no-deps", "nir", "nirtorch")  # nirtorch would pull another torch
        pip(venv, "--no-deps", "--no-build-isolation", "--no-binary", "norse", NORSE)
        (venv / ".installed").touch()
    found = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import norse, os; print(os.path.dirname(norse.__file__))"],
        check=True,
        capture_output=True,
        text=True,
        cwd=directory,
    )
    return pathlib.Path(found.stdout.strip())


def copy_tests(norse: pathlib.Path, directory: pathlib.Path) -> pathlib.Path:
    """Copy norse's test folders to ``directory/tests``, their relative imports made absolute
    (``from ..lif`` in ``norse/torch/module/test`` is ``from norse.torch.module.lif``)."""
    tests = directory / "tests"
    shutil.rmtree(tests, ignore_errors=True)
    for suite in SUITES:
        shutil.copytree(norse / "torch" / suite / "test", tests / suite, ignore=shutil.ignore_patterns("__pycache__"))
        package = ["norse", "torch", suite, "test"]
        for test_file in (tests / suite).glob("*.py"):
            text = RELATIVE.sub(
                lambda m, package=package: f"from {'.'.join(package[: 1 - len(m[1])])}.", test_file.read_text()
            )
            test_file.write_text(text)
    return tests


def run_tests(python: str, tests: pathlib.Path, report: pathlib.Path, pythonpath: str) -> dict[str, str]:
    """Run pytest on ``tests`` with ``python``; return each test's outcome (see :func:`outcomes`)."""
    environment = dict(os.environ, PYTHONPATH=pythonpath, CUDA_VISIBLE_DEVICES="")
    command = [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist", "--import-mode=importlib"]
    command += ["--continue-on-collection-errors"]
    command += [f"--junitxml={report}", "-o", "junit_family=xunit1", str(tests)]
    subprocess.run(command, cwd=tests.parent, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return outcomes(report)


def outcomes(report: pathlib.Path) -> dict[str, str]:
    """Each test of a junit report: "passed", "skipped" or the first line of its error."""
    found = {}
    for case in ElementTree.parse(report).iter("testcase"):
        name = f"{case.get('classname')}::{case.get('name')}"
        problem = next((child for child in case if child.tag in ("failure", "error", "skipped")), None)
        if problem is None:
            found[name] = "passed"
        elif problem.tag == "skipped":
            found[name] = "skipped"
        else:
            message = (problem.get("message") or problem.text or problem.tag).strip().splitlines()
            found[name] = message[0][:160] if message else problem.tag
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dir", type=pathlib.Path, default=pathlib.Path("/tmp/norse-suite"))
    parser.add_argument("--skip-norse", action="store_true", help="reuse the last run on real norse")
    arguments = parser.parse_args()
    directory = arguments.dir.resolve()
    directory.mkdir(parents=True, exist_ok=True)
    tests = copy_tests(scratch_norse(directory), directory)
    reference = directory / "norse.xml"
    if arguments.skip_norse and reference.exists():
        on_norse = outcomes(reference)
    else:
        on_norse = run_tests(str(directory / "venv" / "bin" / "python"), tests, reference, "")
    here = run_tests(sys.executable, tests, directory / "alias.xml", f"{ALIAS}{os.pathsep}{REPO}")
    passing = [name for name, outcome in on_norse.items() if outcome == "passed"]
    failing = collections.defaultdict(list)
    for name in passing:
        if here.get(name, "not collected") != "passed":
            failing[here.get(name, "not collected (the test file failed to import)")].append(name)
    for cause, names in sorted(failing.items(), key=lambda item: -len(item[1])):
        print(f"\n{len(names):4d}  {cause}")
        for name in names:
            print(f"        {name}")
    passed = len(passing) - sum(map(len, failing.values()))
    print(f"\nnorse-suite: {passed} of the {len(passing)} tests that pass on norse 1.1.0 pass on snn_deploy")
    return 0


if __name__ == "__main__":
    sys.exit(main())
