"""Wire models of the Quantum API, generated from ``spec/quantum.json``.

Every name resolves on first use (from ``_generated/models/``), the typed job inputs
``CreateJobRequestInput_*`` too (:mod:`qhub.api.quantum.jobs.inputs` says how they are sent).
"""

from __future__ import annotations

from ..._core.lazy import lazy_module

__getattr__, __dir__ = lazy_module(__name__, {}, fallback="qhub.api.quantum._generated.models")
