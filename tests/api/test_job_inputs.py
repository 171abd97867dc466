"""Typed job inputs serialise to the documented wire shapes (``backendId`` first, no nulls)."""

from __future__ import annotations

import json

import pytest

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
            jobs.CreateJobRequestInput_AwsQueraAquila(
                ahs_program={"setup": {"ahs_register": {"sites": [[0.0, 0.0]], "filling": [1]}}}
            ),
            {
                "backendId": "aws.quera.aquila",
                "ahs_program": {"setup": {"ahs_register": {"sites": [[0.0, 0.0]], "filling": [1]}}},
            },
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
