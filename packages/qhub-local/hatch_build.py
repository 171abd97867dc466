"""Hatchling metadata hook: pins this workspace's own distributions to the version being built.

``[tool.hatch.metadata.hooks.custom] dependencies`` lists the requirements; ``{version}`` in
one of them becomes this build's version (read from the repository's ``VERSION`` file by
``[tool.hatch.version]``), so ``"qhub-api=={version}"`` is written as ``qhub-api==0.2.0``.
A wheel built from our sdist never runs this hook: hatchling takes the version and the
dependencies from the sdist's PKG-INFO. ``packages/qhub-service/hatch_build.py`` has the same
metadata hook.

The build hook puts the repository's ``spec/`` (the OpenAPI documents the Hub serves and
validates against) into the wheel as ``qhub/local/spec``: from ``../../spec`` when built in
the repository, from the sdist's own ``spec/`` when built from the sdist.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface
from hatchling.metadata.plugin.interface import MetadataHookInterface


class PinWorkspaceVersion(MetadataHookInterface):
    def update(self, metadata: dict[str, Any]) -> None:
        version = str(metadata["version"])
        requirements = self.config.get("dependencies", [])
        metadata["dependencies"] = [str(r).replace("{version}", version) for r in requirements]


class BundleSpec(BuildHookInterface):  # type: ignore[type-arg]
    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or version == "editable":
            return  # an editable install reads the repository's spec/ where it is
        root = Path(self.root)
        for spec in (root / "spec", root.parent.parent / "spec"):
            if (spec / "quantum.json").is_file():
                build_data["force_include"][str(spec)] = "qhub/local/spec"
                return
        raise FileNotFoundError("spec/ (the OpenAPI documents) is missing from the build tree")
