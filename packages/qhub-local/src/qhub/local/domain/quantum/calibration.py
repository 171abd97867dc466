"""Backend calibrations: every backend is an ideal (noiseless) device, recalibrated at the
start of every UTC day since the Hub's data directory was made, so history queries have a
real, bounded series to page through."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from ..clock import format_utc, parse_utc, utc_now
from ..errors import BadRequest
from ..listing import Page, PageRequest, sorted_page
from ..store import Database
from .backends import BackendSpec, backend_spec
from .records import JobRecord

__all__ = [
    "CALIBRATION_PERIOD",
    "CalibrationSnapshot",
    "Calibrations",
    "GateCalibration",
    "QubitCalibration",
]

CALIBRATION_PERIOD = timedelta(days=1)
SORTABLE_SNAPSHOT_FIELDS = {"calibratedAt": "calibrated_at"}


@dataclass(frozen=True)
class QubitCalibration:
    """One qubit's figures in a snapshot."""

    id: int
    t1_us: float
    t2_us: float
    readout_error: float
    frequency_ghz: float


@dataclass(frozen=True)
class GateCalibration:
    """One gate's figures in a snapshot."""

    operational: bool
    error: float
    error_std: float
    length_ns: float


#: An ideal device's figures: no gate or readout errors.
IDEAL_T1_US, IDEAL_T2_US, IDEAL_FREQUENCY_GHZ = 100.0, 80.0, 5.0
IDEAL_GATE = GateCalibration(operational=True, error=0.0, error_std=0.0, length_ns=35.0)


@dataclass(frozen=True)
class CalibrationSnapshot:
    """A backend's calibration, made at ``calibrated_at``; its figures are an ideal device's."""

    backend: BackendSpec
    calibrated_at: datetime

    @property
    def backend_id(self) -> str:
        """The calibrated backend's id."""
        return self.backend.id

    @property
    def median_t1_us(self) -> float:
        """The median T1 across qubits, microseconds."""
        return IDEAL_T1_US

    @property
    def median_t2_us(self) -> float:
        """The median T2 across qubits, microseconds."""
        return IDEAL_T2_US

    @property
    def median_readout_error(self) -> float:
        """The median readout error across qubits."""
        return 0.0

    @property
    def qubits(self) -> list[QubitCalibration]:
        """Every qubit's figures, by qubit index."""
        return [
            QubitCalibration(q, IDEAL_T1_US, IDEAL_T2_US, 0.0, IDEAL_FREQUENCY_GHZ)
            for q in range(self.backend.qubit_count)
        ]

    @property
    def gates(self) -> dict[str, GateCalibration]:
        """Every native gate's figures, by gate name."""
        return dict.fromkeys(self.backend.gates, IDEAL_GATE)


class Calibrations:
    """The calibration series of every backend, starting the UTC day the Hub was made
    (``calibrated_since`` in the database's settings, written at first start)."""

    def __init__(self, database: Database) -> None:
        since = database.meta("calibrated_since")
        if since is None:
            since = format_utc(utc_now())
            database.set_meta("calibrated_since", since)
        self._first = (
            parse_utc(since)
            .astimezone(timezone.utc)
            .replace(hour=0, minute=0, second=0, microsecond=0)
        )

    def effective_at(self, backend_id: str, moment: datetime | None) -> CalibrationSnapshot | None:
        """The snapshot in effect at ``moment`` (default now); None before the first one.

        Raises:
            NotFound: no such backend.
        """
        spec = backend_spec(backend_id)
        moment = moment or utc_now()
        if moment < self._first:
            return None
        periods = (moment - self._first) // CALIBRATION_PERIOD
        return CalibrationSnapshot(spec, self._first + periods * CALIBRATION_PERIOD)

    def of_job(self, job: JobRecord) -> CalibrationSnapshot | None:
        """The snapshot the job ran with (in effect when it started, or was submitted)."""
        return self.effective_at(job.backend_id, job.started_at or job.created_at)

    def history(
        self,
        backend_id: str,
        start: datetime | None,
        end: datetime | None,
        paging: PageRequest,
    ) -> Page[CalibrationSnapshot]:
        """Snapshots calibrated between ``start`` and ``end`` (both required, inclusive),
        newest first unless ``paging.sort`` says otherwise; one zero-based page.

        Raises:
            NotFound: no such backend.
            BadRequest: ``from``/``to`` missing or reversed, a bad page or sort.
        """
        spec = backend_spec(backend_id)
        if start is None or end is None:
            missing = " and ".join(n for n, v in (("from", start), ("to", end)) if v is None)
            raise BadRequest(f"{missing} required: the period of calibrations to list")
        if start > end:
            raise BadRequest("from must not be after to")
        last = min(end, utc_now())
        first_index = max(0, -((self._first - start) // CALIBRATION_PERIOD))
        last_index = (last - self._first) // CALIBRATION_PERIOD if last >= self._first else -1
        snapshots = [
            CalibrationSnapshot(spec, self._first + index * CALIBRATION_PERIOD)
            for index in range(last_index, first_index - 1, -1)
        ]
        return sorted_page(snapshots, paging, SORTABLE_SNAPSHOT_FIELDS)
