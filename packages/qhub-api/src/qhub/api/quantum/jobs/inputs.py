"""Typed job inputs: each carries its backend id as the ``backendId`` discriminator.

A plain dict works as ``input`` too (sent as given). This first slice covers the simulator
backends the local Hub serves; more variants follow with the full Quantum API.
"""

from __future__ import annotations

from typing import Any, Literal, Union

from pydantic import Field

from ..._core.models import HubModel
from ..types import AzureIonqJobInputCircuitItem

__all__ = [
    "CreateJobRequestInput",
    "CreateJobRequestInput_AwsSimDm1",
    "CreateJobRequestInput_AwsSimSv1",
    "CreateJobRequestInput_AzureIonqSimulator",
    "CreateJobRequestInput_KipuSimQsim",
    "CreateJobRequestInput_QudoraSimXg1",
    "input_to_wire",
]


class _JobInput(HubModel):
    """Base of the typed inputs; sent without null fields, ``backendId`` first."""

    def wire(self) -> dict[str, Any]:
        """The JSON object sent as ``input``."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


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


#: Any typed job input.
CreateJobRequestInput = Union[  # noqa: UP007 - a public alias, kept readable on 3.10
    CreateJobRequestInput_AzureIonqSimulator,
    CreateJobRequestInput_AwsSimSv1,
    CreateJobRequestInput_AwsSimDm1,
    CreateJobRequestInput_KipuSimQsim,
    CreateJobRequestInput_QudoraSimXg1,
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
