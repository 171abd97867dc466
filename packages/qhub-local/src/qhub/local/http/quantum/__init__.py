"""The Quantum API on local simulators (``/quantum``).

Jobs run for real on Qiskit Aer. Backends are recalibrated (as ideal devices) every UTC day;
per-shot memory is kept when a job's ``input_params`` has ``memory: true``. Tests can pin how
a job's end becomes visible with ``hub.quantum.lifecycle`` (see ``JobLifecycle``).

Not emulated: real devices and noise (QPU ids are simulated noiselessly), queue waiting
times, runtime-minute billing (every allowance is unlimited).
"""

from fastapi import APIRouter

from . import backends, jobs, listings, sessions

__all__ = ["PREFIX", "router"]

#: Where the router is included (by the app: see ``qhub.local.http.app``).
PREFIX = "/quantum"
router = APIRouter()
router.include_router(backends.router)
router.include_router(jobs.router)
router.include_router(sessions.router)
router.include_router(listings.router)
