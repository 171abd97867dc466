"""Typed job inputs: the generated ``CreateJobRequestInput_*`` classes, and how one is sent.

The classes are generated from ``spec/quantum.json``: one per backend, each carrying its
backend id as the ``backendId`` discriminator (``CreateJobRequestInput`` is their union,
resolved by that tag; a backend this client has no class for parses as
``CreateJobRequestInput_Unknown``). What the spec can't state is their base,
:class:`~qhub.api.quantum._rules.JobInputRules`: an input is sent ``backendId`` first,
without null fields, its unknown extra fields kept; a Quandela payload is the input's own
fields, flat beside ``backendId``. A plain dict works as ``input`` too: it is sent as given,
a ``backend_id`` key renamed ``backendId``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..._core.lazy import lazy_module
from .._rules import JobInputRules, job_input_wire

if TYPE_CHECKING:
    from .._generated.models import (
        CreateJobRequestInput,
        CreateJobRequestInput_AqtQpuIbex,
        CreateJobRequestInput_AqtSimIdeal,
        CreateJobRequestInput_AwsIonqForte,
        CreateJobRequestInput_AwsIonqForteEnterprise,
        CreateJobRequestInput_AwsQueraAquila,
        CreateJobRequestInput_AwsRigettiCepheus,
        CreateJobRequestInput_AwsSimDm1,
        CreateJobRequestInput_AwsSimSv1,
        CreateJobRequestInput_AzureIonqSimulator,
        CreateJobRequestInput_IbmQpuAachen,
        CreateJobRequestInput_IbmQpuBerlin,
        CreateJobRequestInput_IbmQpuBoston,
        CreateJobRequestInput_IbmQpuFez,
        CreateJobRequestInput_IbmQpuKingston,
        CreateJobRequestInput_IbmQpuMarrakesh,
        CreateJobRequestInput_IbmQpuMiami,
        CreateJobRequestInput_IbmQpuPhoenix,
        CreateJobRequestInput_IbmQpuPittsburgh,
        CreateJobRequestInput_IqmQpuEmerald,
        CreateJobRequestInput_IqmQpuGarnet,
        CreateJobRequestInput_KipuSimQsim,
        CreateJobRequestInput_QuandelaQpuBelenos,
        CreateJobRequestInput_QuandelaSimBelenos,
        CreateJobRequestInput_QudoraSimXg1,
        CreateJobRequestInput_Unknown,
    )

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
    "CreateJobRequestInput_Unknown",
    "input_to_wire",
]

# The classes are the generated ones, loaded on first use.
__getattr__, __dir__ = lazy_module(
    __name__,
    dict.fromkeys(
        [name for name in __all__ if name != "input_to_wire"], "qhub.api.quantum._generated.models"
    ),
)


def input_to_wire(value: Any, name: str = "input") -> dict[str, Any]:
    """A typed input or a mapping as the JSON object to send (``backend_id`` key → ``backendId``).

    Raises:
        TypeError: neither a typed input nor a mapping.
    """
    if isinstance(value, JobInputRules):
        return value.wire()
    if isinstance(value, Mapping):
        data = dict(value)
        if "backend_id" in data and "backendId" not in data:
            data = {"backendId": data.pop("backend_id"), **data}
        return data
    from .._generated.models import CreateJobRequestInput_Unknown

    if isinstance(value, CreateJobRequestInput_Unknown):
        return job_input_wire(value)
    raise TypeError(
        f"{name} must be a CreateJobRequestInput_* model or a dict, not {type(value).__name__}"
    )
