"""Hatchling build hook: ships the Platform API's contract inside qhub-local.

The local Hub's generic Platform resources are driven by ``spec/platform.json`` at the
repository's root (``qhub.local.domain.generic.spec``). Built from the repository, the sdist
gets it as ``src/qhub/local/spec/platform.json`` and a wheel as
``qhub/local/spec/platform.json``; a wheel built from our sdist finds it already inside
``src/qhub`` (the repository's file is not there to copy). Editable installs read the
repository's file directly, so they get nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

PACKAGED = "qhub/local/spec/platform.json"


class BundleSpec(BuildHookInterface):
    """Adds spec/platform.json to the sdist or wheel being built from the repository."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        spec = Path(self.root).resolve().parents[1] / "spec" / "platform.json"
        if version == "editable" or not spec.is_file():
            return
        target = PACKAGED if self.target_name == "wheel" else f"src/{PACKAGED}"
        build_data["force_include"][str(spec)] = target
