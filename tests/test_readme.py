"""Every fenced Python block and every shell line of README.md runs as written.

The snippets are read from README.md when the tests are collected, so a new section is tested
without touching this file. They run in README order in one temporary directory, as a reader who
pastes them into one working directory would: each Python block in a fresh interpreter (so it
defines every name it uses), while files written by earlier snippets (``model.onnx``) stay for
later ones. A Python block whose first line is ``# NAME.py`` is also saved as ``NAME.py`` (the
README asks the reader to save it). The directory links ``tests`` to the checkout's, so snippets
that read the committed fixtures (``tests/fixtures/...``) run as from the checkout. Shell lines run with bash, with this environment's scripts
(``snn-deploy``) first on ``PATH``.

``SKIPPED`` lists the only shell lines that do not run here, each with the reason and the test
that covers what it does.
"""

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import List, NamedTuple

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
FENCE = re.compile(r"^```(\w+)\n(.*?)^```$", re.MULTILINE | re.DOTALL)
SHELL = {"bash", "sh", "shell", "console"}
SAVED_AS = re.compile(r"#\s*([\w/.-]+\.py)\s*$")

# Shell line prefixes that are not run, with why and what tests the same instead.
SKIPPED = {
    "make export": "trains two networks for minutes; test_examples.py runs the pipeline at a reduced size",
    "make test": "is this test suite",
    "python3 -m venv /tmp/serving": "installs the package into a new environment; test_serving_install.py installs "
    "the wheel into a fresh venv without torch and serves with it",
    "pip install": "would change the environment running the tests; test_packaging.py installs the wheel and sdist",
    ".venv/bin/python export_examples/serve.py": "needs make export's artifacts; test_examples.py serves them",
    # The Serving walk-through: one server in the background for make export's step artifact.
    ".venv/bin/snn-deploy serve": "starts a server on port 8000; test_serve.py serves artifacts on 127.0.0.1",
    "curl -s": "talks to that server; test_serve.py sends the same requests",
    ".venv/bin/python -m export_examples.serve_client": "drives that server; test_examples.py runs it",
    "kill $!": "stops that server",
    ".venv/bin/snn-deploy triton-repo artifacts/": "needs make export's artifacts; test_triton_repo.py writes repos",
}

pytestmark = pytest.mark.slow  # exports several models in subprocesses: a minute or two


class Snippet(NamedTuple):
    language: str  # "python" or "shell"
    line: int  # where it starts in README.md
    text: str

    @property
    def id(self) -> str:
        return f"{self.language}-line{self.line}"


def readme_snippets(markdown: str) -> List[Snippet]:
    """The Python blocks, whole, and the shell lines, one by one (continuations joined), in order."""
    snippets = []
    for match in FENCE.finditer(markdown):
        language, body = match.group(1).lower(), match.group(2)
        first_line = markdown.count("\n", 0, match.start(2)) + 1
        if language == "python":
            snippets.append(Snippet("python", first_line, body))
        elif language in SHELL:
            for offset, command in _shell_commands(body):
                snippets.append(Snippet("shell", first_line + offset, command))
    return snippets


def _shell_commands(body: str):
    pending, start = "", 0
    for offset, line in enumerate(body.splitlines()):
        if not pending:
            start = offset
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1] + " "
            continue
        command = (pending + line).strip()
        pending = ""
        if command and not command.startswith("#"):
            yield start, command


SNIPPETS = readme_snippets(README.read_text())


def skip_reason(command: str):
    return next((reason for prefix, reason in SKIPPED.items() if command.startswith(prefix)), None)


def test_the_readme_has_python_and_shell_snippets_and_every_skip_entry_is_used():
    assert {snippet.language for snippet in SNIPPETS} == {"python", "shell"}
    commands = [snippet.text for snippet in SNIPPETS if snippet.language == "shell"]
    unused = [prefix for prefix in SKIPPED if not any(command.startswith(prefix) for command in commands)]
    assert not unused, f"SKIPPED entries that match no README line: {unused}"


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("readme")
    (directory / "tests").symlink_to(Path(__file__).resolve().parent, target_is_directory=True)
    return directory


@pytest.mark.parametrize("snippet", SNIPPETS, ids=[snippet.id for snippet in SNIPPETS])
def test_readme_snippet_runs(snippet: Snippet, workdir: Path):
    environment = dict(os.environ, PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]]))
    environment.pop("PYTHONPATH", None)
    environment["MPLBACKEND"] = "Agg"
    if snippet.language == "python":
        saved_as = SAVED_AS.match(snippet.text.splitlines()[0])
        if saved_as:
            (workdir / saved_as.group(1)).write_text(snippet.text)
        command = [sys.executable, "-"]
    else:
        reason = skip_reason(snippet.text)
        if reason:
            pytest.skip(f"{snippet.text!r}: {reason}")
        command = ["bash", "-euo", "pipefail", "-c", snippet.text]
    result = subprocess.run(
        command,
        input=snippet.text if snippet.language == "python" else None,
        cwd=workdir,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, f"README.md line {snippet.line}:\n{snippet.text}\n{result.stderr[-3000:]}"
