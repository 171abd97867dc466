"""Hatchling metadata hook: pins this workspace's own distributions to the version being built.

``[tool.hatch.metadata.hooks.custom] dependencies`` lists the requirements; ``{version}`` in
one of them becomes this build's version (read from the repository's ``VERSION`` file by
``[tool.hatch.version]``), so ``"qhub-api=={version}"`` is written as ``qhub-api==0.2.0``.
A wheel built from our sdist never runs this hook: hatchling takes the version and the
dependencies from the sdist's PKG-INFO. ``packages/qhub-local/hatch_build.py`` is the same file.
"""

from __future__ import annotations

from typing import Any

from hatchling.metadata.plugin.interface import MetadataHookInterface


class PinWorkspaceVersion(MetadataHookInterface):
    def update(self, metadata: dict[str, Any]) -> None:
        version = str(metadata["version"])
        requirements = self.config.get("dependencies", [])
        metadata["dependencies"] = [str(r).replace("{version}", version) for r in requirements]
