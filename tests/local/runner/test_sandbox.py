"""The mount plan of an execution: what is hidden, what is bound back, what stays writable."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from qhub.local.runner._sandbox import STEP_ORDER, MountStep, plan_mounts

NOBODY = 65534


@pytest.fixture
def machine() -> Iterator[Path]:
    """A piece of file system outside ``/tmp`` (which executions get fresh anyway)."""
    base = Path(tempfile.mkdtemp(prefix="qhub-test-", dir="/var/tmp"))
    base.chmod(0o755)
    yield base
    shutil.rmtree(base)


def test_the_plan_hides_the_data_dir_and_binds_back_what_is_needed(
    machine: Path, tmp_path: Path
) -> None:
    """The data directory is covered; a directory ``nobody`` can't traverse (a root-only
    home holding the interpreter) is covered and the interpreter bound back read-only; a
    workspace in ``/tmp`` is bound back; ``out/`` is the one writable bind; parents come
    before what lies inside them."""
    home = machine / "home"
    interpreter = home / "python"
    interpreter.mkdir(parents=True)
    home.chmod(0o700)
    (machine / "shared").mkdir()
    data = machine / "data"
    workdir = data / "executions" / "run"
    out = workdir / "out"
    out.mkdir(parents=True)
    ws = tmp_path / "ws"
    ws.mkdir()
    plan = plan_mounts(
        workdir=str(workdir),
        interpreter=[str(interpreter), str(machine / "shared"), str(machine / "missing")],
        workspace=str(ws),
        binds=[(str(out), str(out), False)],
        private=[str(data)],
        sandbox_uid=NOBODY,
        scratch_bytes=1 << 20,
    )
    assert plan.steps == sorted(
        [
            MountStep("scratch", "/tmp"),
            MountStep("scratch", "/dev/shm"),
            MountStep("cover", str(data)),
            MountStep("cover", str(home)),
            MountStep("cover", str(workdir)),
            MountStep("bind", str(interpreter), str(interpreter)),
            MountStep("bind", str(ws), str(ws)),
            MountStep("bind", str(out), str(out), read_only=False),
        ],
        key=lambda step: (step.target.count("/"), STEP_ORDER[step.kind], step.target),
    )


def test_no_interpreter_path_reopens_what_is_hidden(machine: Path, tmp_path: Path) -> None:
    """``sys.path`` may hold the Hub's working directory: ``/tmp`` itself, the data
    directory or a directory inside it are never bound back; a workspace equal to the data
    directory is covered after its bind, so stays hidden."""
    data = machine / "data"
    workdir = data / "executions" / "run"
    workdir.mkdir(parents=True)
    plan = plan_mounts(
        workdir=str(workdir),
        interpreter=["/tmp", str(data), str(data / "executions"), "/"],
        workspace=str(data),
        binds=[],
        private=[str(data)],
        sandbox_uid=None,
        scratch_bytes=1 << 20,
    )
    binds = [step for step in plan.steps if step.kind == "bind"]
    assert binds == [MountStep("bind", str(data), str(data))]
    assert plan.steps.index(binds[0]) < plan.steps.index(MountStep("cover", str(data)))


def test_a_hub_running_as_its_own_sandbox_user_covers_less(machine: Path) -> None:
    """When executions run as the Hub's own user, what that user can traverse needs no
    cover; the working directory is still covered, its ``out/`` bound back."""
    home = machine / "home"
    (home / "python").mkdir(parents=True)
    home.chmod(0o700)
    workdir = machine / "runs" / "run"
    (workdir / "out").mkdir(parents=True)
    plan = plan_mounts(
        workdir=str(workdir),
        interpreter=[str(home / "python")],
        workspace=str(machine),
        binds=[(str(workdir / "out"), str(workdir / "out"), False)],
        private=[],
        sandbox_uid=None,
        scratch_bytes=1 << 20,
    )
    assert [step for step in plan.steps if step.kind != "scratch"] == [
        MountStep("cover", str(workdir)),
        MountStep("bind", str(workdir / "out"), str(workdir / "out"), read_only=False),
    ]
