"""The quantum context, assembled: backends, calibrations, jobs, sessions and listings over
one scheduler."""

from __future__ import annotations

from ...simulation import JobLimits
from ..changes import Changes
from ..store import Database
from .backends import Backends
from .calibration import Calibrations
from .jobs import QuantumJobs
from .lifecycle import JobLifecycle
from .scheduler import JobScheduler
from .sessions import Sessions
from .simulators import SimulationWorkers
from .store import QuantumStore
from .workloads import Listings

__all__ = ["Quantum"]


class Quantum:
    """The local Quantum API's services.

    Args:
        database: the Hub's database (the quantum tables live there).
        workers: the simulation workers jobs run on.
        changes: told of every job stored (``"job"``, its id).
    """

    def __init__(
        self, database: Database, workers: SimulationWorkers, changes: Changes | None = None
    ) -> None:
        store = QuantumStore(database, changes)
        self.calibrations = Calibrations(database)
        self.scheduler = JobScheduler(store, workers)
        self.backends = Backends(self.scheduler.queue_size)
        self.sessions = Sessions(store)
        self.jobs = QuantumJobs(store, self.scheduler, self.sessions, workers)
        self.listings = Listings(store, self.sessions)
        self.scheduler.recover()
        self._workers = workers

    def start_warming(self) -> None:
        """Start the circuit parser and the simulators now, without waiting for them."""
        self._workers.start_warming()

    def warm_up(self) -> None:
        """Start the circuit parser and the simulators now (they otherwise start with the
        first job that needs them) and wait until they are ready."""
        self._workers.warm()

    @property
    def lifecycle(self) -> JobLifecycle:
        """How jobs proceed; set a :class:`JobLifecycle` in tests to pin it."""
        return self.scheduler.lifecycle

    @lifecycle.setter
    def lifecycle(self, lifecycle: JobLifecycle) -> None:
        self.scheduler.lifecycle = lifecycle

    @property
    def limits(self) -> JobLimits:
        """What a job may ask of the Hub: sizes checked before anything is built, the time
        and memory reading its input may take, and the time its simulation may take."""
        return self.jobs.limits

    @limits.setter
    def limits(self, limits: JobLimits) -> None:
        self.jobs.limits = self.scheduler.limits = limits

    def close(self) -> None:
        """Stop this Hub's jobs (see :meth:`JobScheduler.close`)."""
        self.scheduler.close()
