"""The pieces behind data pools, without a server: the streaming multipart parser, the
gateway's reserved keys, reading run()'s parameters from source, and the pools' mounts."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from qhub.local.domain import BadRequest
from qhub.local.domain.clock import utc_now
from qhub.local.domain.datapools import DataPool, DataPoolReference, Grant, GrantedPool
from qhub.local.domain.executions import entrypoint_parameters, execution_request
from qhub.local.domain.executions.entrypoint import Parameters
from qhub.local.domain.executions.mounts import pool_mounts
from qhub.local.domain.executions.reserved import data_pool_references, service_arguments
from qhub.local.http.platform.datapool_upload import (
    MultipartParser,
    PartContent,
    PartEnd,
    PartStart,
    boundary_of,
)

BODY = (
    b"preamble\r\n--XyZ\r\n"
    b'Content-Disposition: form-data; name="note"\r\n\r\n'
    b"hello\r\n--XyZ\r\n"
    b'Content-Disposition: form-data; name="file"; filename="d\xc3\xa4ta.bin"\r\n'
    b"Content-Type: application/x-thing\r\n\r\n"
    b"line one\r\n--XyQ not yet\r\n\r\n--Xy\r\n--XyZ--\r\nepilogue"
)


def parse(body: bytes, size: int) -> list[object]:
    """Events of ``body`` fed in chunks of ``size``, content pieces joined per part."""
    parser = MultipartParser(b"XyZ")
    events: list[object] = []
    for start in range(0, len(body), size):
        for event in parser.feed(body[start : start + size]):
            if isinstance(event, PartContent) and events and isinstance(events[-1], bytes):
                events[-1] += event.data
            else:
                events.append(event.data if isinstance(event, PartContent) else event)
    parser.close()
    return events


@pytest.mark.parametrize("size", [1, 2, 3, 5, 7, 16, 64, len(BODY)])
def test_multipart_parts_come_out_the_same_however_the_body_is_cut(size: int) -> None:
    """Parts, names, file name, type and content (with delimiter look-alikes inside) are the
    same for every chunk size, down to one byte."""
    assert parse(BODY, size) == [
        PartStart("note", None, None),
        b"hello",
        PartEnd(),
        PartStart("file", "d\xe4ta.bin", "application/x-thing"),
        b"line one\r\n--XyQ not yet\r\n\r\n--Xy",
        PartEnd(),
    ]


def test_multipart_refuses_what_is_not_well_formed() -> None:
    """Cut short, headers without end, junk after a boundary, not form-data: BadRequest."""
    with pytest.raises(BadRequest, match="ends before"):
        parse(b"--XyZ\r\nContent-Disposition: form-data; name=file\r\n\r\ndata", 4)
    with pytest.raises(BadRequest, match="too long"):
        parse(b"--XyZ\r\n" + b"X-Long: " + b"a" * 20_000, 1000)
    with pytest.raises(BadRequest, match="after a boundary"):
        parse(b"--XyZjunk\r\n", 100)
    with pytest.raises(BadRequest, match="not form-data"):
        parse(b"--XyZ\r\nContent-Disposition: attachment\r\n\r\nx\r\n--XyZ--", 100)
    assert boundary_of('multipart/form-data; boundary="a b"') == b"a b"
    with pytest.raises(BadRequest):
        boundary_of("multipart/form-data")


def test_input_keys_are_the_arguments_unless_run_takes_input() -> None:
    """input's keys join the forwarded keys (and win, with a note); run(input=...) gets the
    payload as it is; unknown parameters get both; inputDataRefs only when declared."""
    body = {"input": {"molecule": "H2", "shots": 5}, "shots": 100, "$tags": ["t"]}
    plain = Parameters(frozenset({"molecule", "shots"}), var_keyword=False)
    arguments, notes = service_arguments(body, plain)
    assert arguments == {"molecule": "H2", "shots": 5, "$tags": ["t"]}
    assert notes == [
        "request key 'shots' is both in 'input' and at the top level: the value in 'input' is used"
    ]
    vendor = Parameters(frozenset({"input", "inputDataRefs"}), var_keyword=False)
    refs = {**body, "inputDataRefs": []}
    assert service_arguments(refs, vendor) == (refs, [])
    assert service_arguments(refs, plain)[0] == {"molecule": "H2", "shots": 5, "$tags": ["t"]}
    unknown, _ = service_arguments(refs, None)
    assert unknown == {**refs, "molecule": "H2", "shots": 5}
    assert service_arguments({"input": [1, 2]}, plain) == ({"input": [1, 2]}, [])


def test_input_data_refs_have_one_shape_and_distinct_names() -> None:
    """{name, id, ref?, grant?}: each mounts under its name beside references among the
    arguments; anything else is 400 before anything is recorded."""
    ok = execution_request(
        {"inputDataRefs": [{"name": "training", "id": "p1", "ref": "DATAPOOL", "grant": "g"}]}
    )
    assert ok.data_refs == {"training": DataPoolReference("p1", "g")}
    assert execution_request({"inputDataRefs": None}).data_refs == {}
    arguments = {"data": {"id": "p2", "ref": "DATAPOOL"}, "other": {"ref": "NOT"}}
    assert data_pool_references(arguments, ok.data_refs) == {
        "data": DataPoolReference("p2", None),
        "training": DataPoolReference("p1", "g"),
    }
    for bad in (
        {"a": 1},
        [{"id": "p1"}],
        [{"name": "../x", "id": "p1"}],
        [{"name": "x", "id": ""}],
        [{"name": "x", "id": "p", "ref": "S3"}],
        [{"name": "x", "id": "p", "grant": 7}],
        [{"name": "x", "id": "p"}, {"name": "x", "id": "q"}],
    ):
        with pytest.raises(BadRequest):
            execution_request({"inputDataRefs": bad})
    with pytest.raises(BadRequest, match="named twice"):
        data_pool_references({"training": {"id": "p", "ref": "DATAPOOL"}}, ok.data_refs)
    with pytest.raises(BadRequest, match="not a plain name"):
        data_pool_references({"a/b": {"id": "p", "ref": "DATAPOOL"}}, {})


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("def run(a, /, b, *args, c=1, **kw): pass", Parameters(frozenset("abc"), True)),
        ("async def run(input: dict): pass", Parameters(frozenset({"input"}), False)),
        ("def run(a): pass\ndef run(b): pass", Parameters(frozenset("b"), False)),
        ("class K:\n    def run(self): pass\ndef run(x): pass", Parameters(frozenset("x"), False)),
        ("from .impl import run", None),
        ("def run(a): pass\nrun = wrap(run)", None),
        ("try:\n    from fast import run\nexcept ImportError:\n    def run(a): pass", None),
        ("def run(:", None),
        ("def other(): pass", None),
    ],
)
def test_run_parameters_are_read_from_the_source(
    tmp_path: Path, source: str, expected: Parameters | None
) -> None:
    """The last top-level def of run, or None when the source can't tell."""
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "program.py").write_text(textwrap.dedent(source))
    assert entrypoint_parameters(tmp_path) == expected
    assert entrypoint_parameters(tmp_path / "missing") is None


def test_pools_are_mounted_read_only_for_view_and_writable_for_modify(tmp_path: Path) -> None:
    """A VIEW grant becomes a read-only mount of the pool's directory, MODIFY a writable one,
    each at datapool/<name> in the execution's working directory (the runner binds them)."""
    source = tmp_path / "pool"
    source.mkdir()
    pool = DataPool("p", "pool", source, utc_now(), "org")
    workdir = tmp_path / "run"

    def granted(name: str, permission: str) -> GrantedPool:
        return GrantedPool(name, pool, Grant("p", "app", permission, utc_now()))  # type: ignore[arg-type]

    mounts = pool_mounts(workdir, [granted("view", "VIEW"), granted("edit", "MODIFY")])
    assert [(m.name, m.source, m.target, m.read_only) for m in mounts] == [
        ("view", source, workdir / "datapool" / "view", True),
        ("edit", source, workdir / "datapool" / "edit", False),
    ]
