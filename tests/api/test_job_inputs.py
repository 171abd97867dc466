"""Typed job inputs serialise to the documented wire shapes (``backendId`` first, no nulls)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError

from qhub.api._core.models import strict_models
from qhub.api.quantum import jobs
from qhub.api.quantum.jobs.inputs import input_to_wire
from qhub.api.quantum.types import AzureIonqJobInputCircuitItem


def test_ionq_input_matches_the_observed_vendor_body() -> None:
    """The seed quickstart's input: unset item fields are left out."""
    model = jobs.CreateJobRequestInput_AzureIonqSimulator(
        circuit=[
            AzureIonqJobInputCircuitItem(targets=[0]),
            AzureIonqJobInputCircuitItem(type="cnot", targets=[1], controls=[0]),
        ],
        gateset="qis",
        qubits=2,
    )
    assert json.dumps(input_to_wire(model), separators=(",", ":")) == (
        '{"backendId":"azure.ionq.simulator","circuit":[{"targets":[0]},{"type":"cnot","targets":[1],"controls":[0]}],'
        '"gateset":"qis","qubits":2}'
    )


#: The smallest analog program the schema accepts: one atom, one driving field.
_SERIES = {"time_series": {"values": [0.0, 0.0], "times": [0.0, 1e-06]}, "pattern": "uniform"}
AHS_PROGRAM: dict[str, Any] = {
    "setup": {"ahs_register": {"sites": [[0.0, 0.0]], "filling": [1]}},
    "hamiltonian": {
        "drivingFields": [{"amplitude": _SERIES, "phase": _SERIES, "detuning": _SERIES}]
    },
}


@pytest.mark.parametrize(
    ("model", "wire"),
    [
        (
            jobs.CreateJobRequestInput_AwsIonqForte(qasm="OPENQASM 3;"),
            {"backendId": "aws.ionq.forte", "qasm": "OPENQASM 3;"},
        ),
        (
            jobs.CreateJobRequestInput_IbmQpuFez(pubs=[["OPENQASM 3;"]], shots=100),
            {"backendId": "ibm.qpu.fez", "pubs": [["OPENQASM 3;"]], "shots": 100},
        ),
        (
            jobs.CreateJobRequestInput_IqmQpuGarnet(
                circuits=[{"name": "c", "instructions": []}], dd_mode="enabled"
            ),
            {
                "backendId": "iqm.qpu.garnet",
                "circuits": [{"name": "c", "instructions": []}],
                "dd_mode": "enabled",
            },
        ),
        (
            jobs.CreateJobRequestInput_QuandelaSimBelenos.model_validate(
                {"circuit": "x", "n_photons": 2}
            ),
            {"backendId": "quandela.sim.belenos", "circuit": "x", "n_photons": 2},
        ),
        (
            jobs.CreateJobRequestInput_AqtSimIdeal(payload={"circuits": []}),
            {"backendId": "aqt.sim.ideal", "payload": {"circuits": []}},
        ),
        (
            jobs.CreateJobRequestInput_AwsQueraAquila(ahs_program=AHS_PROGRAM),
            {"backendId": "aws.quera.aquila", "ahs_program": AHS_PROGRAM},
        ),
    ],
)
def test_variants_serialise_flat_with_their_backend_id(
    model: object, wire: dict[str, object]
) -> None:
    """Each variant: its backendId first, its own fields, nothing null (Quandela flat, not wrapped)."""
    sent = input_to_wire(model)
    assert sent == wire
    assert next(iter(sent)) == "backendId"


def test_plain_dicts_are_sent_as_given_with_backend_id_renamed() -> None:
    """A dict works too; a snake_case backend_id key becomes the backendId discriminator."""
    assert input_to_wire({"backend_id": "new.backend", "x": 1}) == {
        "backendId": "new.backend",
        "x": 1,
    }
    with pytest.raises(TypeError, match="input must be"):
        input_to_wire(["not", "an", "input"])


def test_there_is_one_class_per_documented_backend() -> None:
    """24 typed variants, as the vendor ships, each with a distinct backend id."""
    classes = [
        getattr(jobs, name) for name in jobs.__all__ if name.startswith("CreateJobRequestInput_")
    ]
    ids = {cls.model_fields["backend_id"].default for cls in classes}
    assert len(classes) == len(ids) == 24


def test_the_typed_inputs_are_the_generated_classes() -> None:
    """One definition: every import path gives the class generated from spec/quantum.json."""
    from qhub.api import quantum
    from qhub.api.quantum import types
    from qhub.api.quantum._generated import models
    from qhub.api.quantum.jobs import inputs

    for name in [n for n in jobs.__all__ if n.startswith("CreateJobRequestInput")]:
        generated = getattr(models, name)
        assert getattr(jobs, name) is generated
        assert getattr(inputs, name) is generated
        assert getattr(types, name) is generated
        assert getattr(quantum, name) is generated


def test_an_incomplete_input_is_refused_when_built_naming_the_missing_field() -> None:
    """The documented required fields are checked before anything is sent."""
    with pytest.raises(ValidationError, match=r"ahs_program\.hamiltonian\n +Field required"):
        jobs.CreateJobRequestInput_AwsQueraAquila(ahs_program={"setup": AHS_PROGRAM["setup"]})
    without_qubits: dict[str, Any] = {"circuit": [{"targets": [0]}], "gateset": "qis"}
    with pytest.raises(ValidationError, match=r"qubits\n +Field required"):
        jobs.CreateJobRequestInput_AzureIonqSimulator(**without_qubits)


def test_a_quandela_payload_is_kept_in_strict_mode_too() -> None:
    """Its fields are the payload, not drift: strict parsing (these tests) keeps them."""
    model = jobs.CreateJobRequestInput_QuandelaQpuBelenos(circuit="c", n_photons=2)
    assert input_to_wire(model) == {
        "backendId": "quandela.qpu.belenos",
        "circuit": "c",
        "n_photons": 2,
    }
    with pytest.raises(ValidationError, match="unknown fields: note"):
        jobs.CreateJobRequestInput_AwsSimSv1(qasm="OPENQASM 3;", note="x")


def test_the_union_parses_a_dict_into_the_class_its_backend_id_names() -> None:
    """CreateJobRequestInput picks the class by backendId; an unknown backend keeps every
    field and is sent as it came."""
    union: TypeAdapter[Any] = TypeAdapter(jobs.CreateJobRequestInput)
    parsed = union.validate_python({"qasm": "OPENQASM 3;", "backendId": "aws.ionq.forte"})
    assert type(parsed) is jobs.CreateJobRequestInput_AwsIonqForte
    assert input_to_wire(parsed) == {"backendId": "aws.ionq.forte", "qasm": "OPENQASM 3;"}
    with strict_models(enabled=False):
        unknown = union.validate_python({"x": None, "qasm": "q", "backendId": "new.backend"})
    assert type(unknown).__name__ == "CreateJobRequestInput_Unknown"
    assert input_to_wire(unknown) == {"backendId": "new.backend", "qasm": "q"}
