"""The Quantum API's domain: backends (catalog and calibration), jobs run on local simulators,
sessions, and the workloads listing them.

Not emulated: real devices (QPU ids are simulated noiselessly), noise models, queue
waiting times, runtime-minute billing.
"""

from ...simulation import JobLimits
from .backends import Backends, BackendSpec
from .calibration import Calibrations, CalibrationSnapshot, GateCalibration, QubitCalibration
from .context import Quantum
from .inputs import JobSubmission, SessionRequest, WorkloadFilters
from .jobs import QuantumJobs
from .lifecycle import JobLifecycle
from .records import (
    FINAL_JOB_STATUSES,
    FINAL_SESSION_STATUSES,
    JobRecord,
    NormalizedInput,
    NormalizedProgram,
    QasmProgram,
    QasmPrograms,
    SessionRecord,
    Workload,
)
from .scheduler import JobScheduler
from .sessions import DEFAULT_SESSION_TTL, MAX_SESSION_TTL, Sessions
from .workloads import Listings

__all__ = [
    "DEFAULT_SESSION_TTL",
    "FINAL_JOB_STATUSES",
    "FINAL_SESSION_STATUSES",
    "MAX_SESSION_TTL",
    "BackendSpec",
    "Backends",
    "CalibrationSnapshot",
    "Calibrations",
    "GateCalibration",
    "JobLifecycle",
    "JobLimits",
    "JobRecord",
    "JobScheduler",
    "JobSubmission",
    "Listings",
    "NormalizedInput",
    "NormalizedProgram",
    "QasmProgram",
    "QasmPrograms",
    "Quantum",
    "QuantumJobs",
    "QubitCalibration",
    "SessionRecord",
    "SessionRequest",
    "Sessions",
    "Workload",
    "WorkloadFilters",
]
