"""Typed job inputs: each carries its backend id as the ``backendId`` discriminator.

One class per backend, with the documented names (``CreateJobRequestInput_<Backend>``); a
plain dict works as ``input`` too (sent as given, a ``backend_id`` key renamed
``backendId``). Inputs are sent without null fields, ``backendId`` first; unknown extra
fields are kept. Quandela payloads go flat beside ``backendId`` (the vendor wraps them in
``value`` and drops extra keys).
"""

from __future__ import annotations

from typing import Any, Literal, Union

from pydantic import Field

from ..._core.models import HubModel
from ..types import AzureIonqJobInputCircuitItem

__all__ = [
    "CreateJobRequestInput",
    "CreateJobRequestInput_AqtQpuIbex",
    "CreateJobRequestInput_AqtSimIdeal",
    "CreateJobRequestInput_AwsIonqForte",
    "CreateJobRequestInput_AwsIonqForteEnterprise",
    "CreateJobRequestInput_AwsQueraAquila",
    "CreateJobRequestInput_AwsRigettiCepheus",
    "CreateJobRequestInput_AwsSimDm1",
    "CreateJobRequestInput_AwsSimSv1",
    "CreateJobRequestInput_AzureIonqSimulator",
    "CreateJobRequestInput_IbmQpuAachen",
    "CreateJobRequestInput_IbmQpuBerlin",
    "CreateJobRequestInput_IbmQpuBoston",
    "CreateJobRequestInput_IbmQpuFez",
    "CreateJobRequestInput_IbmQpuKingston",
    "CreateJobRequestInput_IbmQpuMarrakesh",
    "CreateJobRequestInput_IbmQpuMiami",
    "CreateJobRequestInput_IbmQpuPhoenix",
    "CreateJobRequestInput_IbmQpuPittsburgh",
    "CreateJobRequestInput_IqmQpuEmerald",
    "CreateJobRequestInput_IqmQpuGarnet",
    "CreateJobRequestInput_KipuSimQsim",
    "CreateJobRequestInput_QuandelaQpuBelenos",
    "CreateJobRequestInput_QuandelaSimBelenos",
    "CreateJobRequestInput_QudoraSimXg1",
    "input_to_wire",
]


class _JobInput(HubModel):
    """Base of the typed inputs; sent without null fields, ``backendId`` first."""

    def wire(self) -> dict[str, Any]:
        """The JSON object sent as ``input``, ``backendId`` first."""
        data = self.model_dump(mode="json", by_alias=True, exclude_none=True)
        return {"backendId": data.pop("backendId"), **data} if "backendId" in data else data


class CreateJobRequestInput_AzureIonqSimulator(_JobInput):
    """An IonQ circuit (``gateset: "qis"``) for ``azure.ionq.simulator``."""

    backend_id: Literal["azure.ionq.simulator"] = Field(
        default="azure.ionq.simulator", alias="backendId"
    )
    circuit: list[AzureIonqJobInputCircuitItem]
    gateset: str | None = None
    qubits: int | None = None
    registers: dict[str, list[int]] | None = None


class CreateJobRequestInput_AwsSimSv1(_JobInput):
    """An OpenQASM 3 program for Amazon Braket SV1."""

    backend_id: Literal["aws.sim.sv1"] = Field(default="aws.sim.sv1", alias="backendId")
    qasm: str | list[str]


class CreateJobRequestInput_AwsSimDm1(_JobInput):
    """An OpenQASM 3 program for Amazon Braket DM1."""

    backend_id: Literal["aws.sim.dm1"] = Field(default="aws.sim.dm1", alias="backendId")
    qasm: str | list[str]


class CreateJobRequestInput_KipuSimQsim(_JobInput):
    """An OpenQASM program for Kipu's qsim simulator."""

    backend_id: Literal["kipu.sim.qsim"] = Field(default="kipu.sim.qsim", alias="backendId")
    qasm: str


class CreateJobRequestInput_QudoraSimXg1(_JobInput):
    """An OpenQASM program for Qudora's XG1 simulator."""

    backend_id: Literal["qudora.sim.xg1"] = Field(default="qudora.sim.xg1", alias="backendId")
    qasm: str | list[str]


class _QasmInput(_JobInput):
    qasm: str | list[str]


class _IbmInput(_JobInput):
    pubs: list[Any] | dict[str, Any] | None = None
    options: dict[str, Any] | None = None
    shots: int | None = None
    support_qiskit: bool | None = None
    version: int | None = None
    resilience_level: int | None = None
    precision: float | None = None
    circuits: list[dict[str, Any]] | None = None


class _IqmInput(_JobInput):
    circuits: list[dict[str, Any]]
    calibration_set_id: str | None = None
    qubit_mapping: list[dict[str, str]] | None = None
    custom_settings: dict[str, Any] | None = None
    dd_mode: str | None = None
    dd_strategy: dict[str, Any] | None = None
    heralding_mode: str | None = None
    move_gate_frame_tracking_mode: str | None = None
    move_validation_mode: str | None = None
    max_circuit_duration_over_t2: float | None = None
    active_reset_cycles: int | None = None


class _FreeFormInput(_JobInput):
    """Any fields, kept as given."""


class _AqtInput(_JobInput):
    job_type: str | None = None
    label: str | None = None
    payload: dict[str, Any]


class CreateJobRequestInput_AwsQueraAquila(_JobInput):
    """An analog Hamiltonian simulation program (Braket AHS schema) for aws.quera.aquila."""

    backend_id: Literal["aws.quera.aquila"] = Field(default="aws.quera.aquila", alias="backendId")
    ahs_program: dict[str, Any]


class CreateJobRequestInput_AwsIonqForte(_QasmInput):
    """An OpenQASM 3 program for aws.ionq.forte (Amazon Braket)."""

    backend_id: Literal["aws.ionq.forte"] = Field(default="aws.ionq.forte", alias="backendId")


class CreateJobRequestInput_AwsIonqForteEnterprise(_QasmInput):
    """An OpenQASM 3 program for aws.ionq.forte.enterprise (Amazon Braket)."""

    backend_id: Literal["aws.ionq.forte.enterprise"] = Field(
        default="aws.ionq.forte.enterprise", alias="backendId"
    )


class CreateJobRequestInput_AwsRigettiCepheus(_QasmInput):
    """An OpenQASM 3 program for aws.rigetti.cepheus (Amazon Braket)."""

    backend_id: Literal["aws.rigetti.cepheus"] = Field(
        default="aws.rigetti.cepheus", alias="backendId"
    )


class CreateJobRequestInput_IbmQpuFez(_IbmInput):
    """Primitive unified blocs (``pubs``) and options for ibm.qpu.fez; every field optional."""

    backend_id: Literal["ibm.qpu.fez"] = Field(default="ibm.qpu.fez", alias="backendId")


class CreateJobRequestInput_IbmQpuBoston(_IbmInput):
    """Primitive unified blocs (``pubs``) and options for ibm.qpu.boston; every field optional."""

    backend_id: Literal["ibm.qpu.boston"] = Field(default="ibm.qpu.boston", alias="backendId")


class CreateJobRequestInput_IbmQpuMarrakesh(_IbmInput):
    """Primitive unified blocs (``pubs``) and options for ibm.qpu.marrakesh; every field optional."""

    backend_id: Literal["ibm.qpu.marrakesh"] = Field(default="ibm.qpu.marrakesh", alias="backendId")


class CreateJobRequestInput_IbmQpuPittsburgh(_IbmInput):
    """Primitive unified blocs (``pubs``) and options for ibm.qpu.pittsburgh; every field optional."""

    backend_id: Literal["ibm.qpu.pittsburgh"] = Field(
        default="ibm.qpu.pittsburgh", alias="backendId"
    )


class CreateJobRequestInput_IbmQpuPhoenix(_IbmInput):
    """Primitive unified blocs (``pubs``) and options for ibm.qpu.phoenix; every field optional."""

    backend_id: Literal["ibm.qpu.phoenix"] = Field(default="ibm.qpu.phoenix", alias="backendId")


class CreateJobRequestInput_IbmQpuAachen(_IbmInput):
    """Primitive unified blocs (``pubs``) and options for ibm.qpu.aachen; every field optional."""

    backend_id: Literal["ibm.qpu.aachen"] = Field(default="ibm.qpu.aachen", alias="backendId")


class CreateJobRequestInput_IbmQpuBerlin(_IbmInput):
    """Primitive unified blocs (``pubs``) and options for ibm.qpu.berlin; every field optional."""

    backend_id: Literal["ibm.qpu.berlin"] = Field(default="ibm.qpu.berlin", alias="backendId")


class CreateJobRequestInput_IbmQpuMiami(_IbmInput):
    """Primitive unified blocs (``pubs``) and options for ibm.qpu.miami; every field optional."""

    backend_id: Literal["ibm.qpu.miami"] = Field(default="ibm.qpu.miami", alias="backendId")


class CreateJobRequestInput_IbmQpuKingston(_IbmInput):
    """Primitive unified blocs (``pubs``) and options for ibm.qpu.kingston; every field optional."""

    backend_id: Literal["ibm.qpu.kingston"] = Field(default="ibm.qpu.kingston", alias="backendId")


class CreateJobRequestInput_IqmQpuEmerald(_IqmInput):
    """IQM circuits and settings for iqm.qpu.emerald."""

    backend_id: Literal["iqm.qpu.emerald"] = Field(default="iqm.qpu.emerald", alias="backendId")


class CreateJobRequestInput_IqmQpuGarnet(_IqmInput):
    """IQM circuits and settings for iqm.qpu.garnet."""

    backend_id: Literal["iqm.qpu.garnet"] = Field(default="iqm.qpu.garnet", alias="backendId")


class CreateJobRequestInput_QuandelaQpuBelenos(_FreeFormInput):
    """A Perceval payload for quandela.qpu.belenos, sent flat beside ``backendId``."""

    backend_id: Literal["quandela.qpu.belenos"] = Field(
        default="quandela.qpu.belenos", alias="backendId"
    )


class CreateJobRequestInput_QuandelaSimBelenos(_FreeFormInput):
    """A Perceval payload for quandela.sim.belenos, sent flat beside ``backendId``."""

    backend_id: Literal["quandela.sim.belenos"] = Field(
        default="quandela.sim.belenos", alias="backendId"
    )


class CreateJobRequestInput_AqtQpuIbex(_AqtInput):
    """An AQT job for aqt.qpu.ibex."""

    backend_id: Literal["aqt.qpu.ibex"] = Field(default="aqt.qpu.ibex", alias="backendId")


class CreateJobRequestInput_AqtSimIdeal(_AqtInput):
    """An AQT job for aqt.sim.ideal."""

    backend_id: Literal["aqt.sim.ideal"] = Field(default="aqt.sim.ideal", alias="backendId")


#: Any typed job input.
CreateJobRequestInput = Union[  # noqa: UP007 - a public alias, kept readable on 3.10
    CreateJobRequestInput_AzureIonqSimulator,
    CreateJobRequestInput_AwsSimSv1,
    CreateJobRequestInput_AwsSimDm1,
    CreateJobRequestInput_KipuSimQsim,
    CreateJobRequestInput_QudoraSimXg1,
    CreateJobRequestInput_AwsQueraAquila,
    CreateJobRequestInput_AwsIonqForte,
    CreateJobRequestInput_AwsIonqForteEnterprise,
    CreateJobRequestInput_AwsRigettiCepheus,
    CreateJobRequestInput_IbmQpuFez,
    CreateJobRequestInput_IbmQpuBoston,
    CreateJobRequestInput_IbmQpuMarrakesh,
    CreateJobRequestInput_IbmQpuPittsburgh,
    CreateJobRequestInput_IbmQpuPhoenix,
    CreateJobRequestInput_IbmQpuAachen,
    CreateJobRequestInput_IbmQpuBerlin,
    CreateJobRequestInput_IbmQpuMiami,
    CreateJobRequestInput_IbmQpuKingston,
    CreateJobRequestInput_IqmQpuEmerald,
    CreateJobRequestInput_IqmQpuGarnet,
    CreateJobRequestInput_QuandelaQpuBelenos,
    CreateJobRequestInput_QuandelaSimBelenos,
    CreateJobRequestInput_AqtQpuIbex,
    CreateJobRequestInput_AqtSimIdeal,
]


def input_to_wire(value: Any, name: str = "input") -> dict[str, Any]:
    """A typed input or a dict as the JSON object to send (``backend_id`` key → ``backendId``).

    Raises:
        TypeError: neither a typed input nor a dict.
    """
    if isinstance(value, _JobInput):
        return value.wire()
    if isinstance(value, dict):
        data = dict(value)
        if "backend_id" in data and "backendId" not in data:
            data = {"backendId": data.pop("backend_id"), **data}
        return data
    raise TypeError(
        f"{name} must be a CreateJobRequestInput_* model or a dict, not {type(value).__name__}"
    )
