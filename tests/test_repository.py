"""The repository itself: lint clean, examples present and readable, pins in place."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from audiodemo.audio import load_audio
from audiodemo.ui.common import example
from audiodemo.ui.spectrogram_tab import EXAMPLES
from tests.conftest import ROOT


def test_ruff_finds_nothing():
    if shutil.which("ruff") is None:
        pytest.skip("ruff is not installed (requirements-dev.txt installs it)")
    result = subprocess.run(["ruff", "check", "."], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("name", EXAMPLES)
def test_examples_load_and_are_short_and_not_silent(name):
    wave, sr = load_audio(example(name))
    assert 0.2 < len(wave) / sr < 10 and abs(wave).max() > 0.05


def test_requirements_pin_torch_exactly_and_leave_torchaudio_out():
    lines = (ROOT / "requirements.txt").read_text().splitlines()
    assert "torch==2.13.0" in lines
    assert not any(line.startswith("torchaudio") for line in lines)


PACKAGE_MODULES = sorted((ROOT / "audiodemo").rglob("*.py"))


def test_no_module_of_the_package_is_over_300_lines():
    long = {str(p.relative_to(ROOT)): n for p in PACKAGE_MODULES
            if (n := len(p.read_text().splitlines())) > 300}
    assert not long


def test_torch_load_is_called_in_the_checkpoint_module_only():
    callers = [str(p.relative_to(ROOT)) for p in PACKAGE_MODULES
               if "torch.load(" in p.read_text()]
    assert callers == ["audiodemo/checkpoint.py"]


def test_nothing_edits_sys_path_or_imports_a_command_line_module():
    sources = [*PACKAGE_MODULES, *sorted((ROOT / "benchmarks").glob("*.py")), ROOT / "app.py"]
    for path in sources:
        text = path.read_text()
        assert "sys.path" not in text, path
        assert not re.search(r"^\s*(from|import) [\w.]*__main__", text, re.M), path
