"""Bodies that once broke the Hub (issue: hardening): an unpaired UTF-16 surrogate was stored
and made every later listing answer 500; JSON nested 100 000 deep answered 500. Now each is
refused at the edge with a JSON problem body, nothing is stored, and the Hub keeps answering.
"""

from __future__ import annotations

import httpx
import pytest

from qhub.local.server import LocalHub

SURROGATE = '"\\ud800"'  # a JSON escape that decodes to a lone surrogate


def _json(text: str) -> dict[str, str]:
    return {"content": text, "headers": {"Content-Type": "application/json"}}  # type: ignore[dict-item]


def test_an_unpaired_surrogate_is_refused_and_listings_keep_working(local_hub: LocalHub) -> None:
    """A job name, a tag of an execution, a token name: refused with 4xx naming where; the
    listings answer 200 afterwards."""
    assert local_hub.connection is not None
    connection = local_hub.connection
    pat = {"X-Auth-Token": connection.personal_access_token}
    with httpx.Client(timeout=30) as http:
        job = http.post(
            f"{connection.quantum_url}/jobs",
            headers={**pat, "Content-Type": "application/json"},
            content=(
                '{"backend_id": "aws.sim.sv1", "shots": 1, "name": ' + SURROGATE + ","
                ' "input": {"qasm": "OPENQASM 3.0; qubit[1] q;"}}'
            ).encode(),
        )
        assert 400 <= job.status_code < 500, job.text
        assert job.json()["message"].startswith("/name")
        token = http.post(
            f"{connection.token_endpoint}",
            data={"grant_type": "client_credentials"},
            auth=(
                connection.application["access_key_id"],
                connection.application["secret_access_key"],
            ),
        ).json()["access_token"]
        started = http.post(
            connection.services["quickstart"],
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            content=('{"values": [1], "$tags": [' + SURROGATE + "]}").encode(),
        )
        assert 400 <= started.status_code < 500, started.text
        named = http.post(
            f"{connection.user_url}/me/access-tokens",
            headers={**pat, "Content-Type": "application/json"},
            content=('{"name": ' + SURROGATE + "}").encode(),
        )
        assert 400 <= named.status_code < 500, named.text
        assert http.get(f"{connection.quantum_url}/jobs", headers=pat).status_code == 200
        listed = http.get(
            connection.services["quickstart"], headers={"Authorization": f"Bearer {token}"}
        )
        assert listed.status_code == 200
        assert http.get(f"{connection.user_url}/me/access-tokens", headers=pat).status_code == 200


@pytest.mark.parametrize("depth", [65, 100_000])
def test_deeply_nested_json_is_refused_not_a_server_error(local_hub: LocalHub, depth: int) -> None:
    """Too deep for the Hub (over 64 levels): a 4xx with a JSON body, not a 500."""
    assert local_hub.connection is not None
    connection = local_hub.connection
    body = '{"backend_id": "aws.sim.sv1", "shots": 1, "input": ' + "[" * depth + "]" * depth + "}"
    answer = httpx.post(
        f"{connection.quantum_url}/jobs",
        headers={
            "X-Auth-Token": connection.personal_access_token,
            "Content-Type": "application/json",
        },
        content=body.encode(),
        timeout=30,
    )
    assert 400 <= answer.status_code < 500, answer.text
    assert "nested more than 64 levels" in answer.json()["message"]


@pytest.mark.parametrize(
    ("params", "says"),
    [
        ('{"seed": 18446744073709551616}', "input_params.seed must be an integer"),
        ('{"seed": -1}', "input_params.seed must be an integer"),
        ('{"seed": NaN}', "NaN is not a JSON number"),
        ('{"angle": Infinity}', "Infinity is not a JSON number"),
    ],
)
def test_out_of_range_seeds_and_non_finite_numbers_are_refused(
    local_hub: LocalHub, params: str, says: str
) -> None:
    """A seed at or over 2**63 or negative, and NaN/Infinity anywhere in a body: 4xx naming
    it, nothing stored (they were accepted, then made answers nobody could parse)."""
    assert local_hub.connection is not None
    connection = local_hub.connection
    headers = {
        "X-Auth-Token": connection.personal_access_token,
        "Content-Type": "application/json",
    }
    body = (
        '{"backend_id": "aws.sim.sv1", "shots": 1, "input_params": ' + params + ","
        ' "input": {"qasm": "OPENQASM 3.0; qubit[1] q;"}}'
    )
    with httpx.Client(timeout=30) as http:
        answer = http.post(f"{connection.quantum_url}/jobs", headers=headers, content=body)
        assert 400 <= answer.status_code < 500, answer.text
        assert says in answer.json()["message"]
        listed = http.get(f"{connection.quantum_url}/jobs", headers=headers).json()
        assert listed["total_elements"] == 0


@pytest.mark.parametrize(
    ("path", "part"),
    [
        ("/quantum/jobs?tag=%ED%A0%80", "query string"),  # a lone surrogate, UTF-8 encoded
        ("/qc-catalog/datapools?name=%FF", "query string"),
        ("/quantum/jobs/%FF%FE", "path"),
    ],
)
def test_an_address_that_is_not_text_is_400(local_hub: LocalHub, path: str, part: str) -> None:
    """A path or query string that does not percent-decode to UTF-8 is refused before any
    route reads it (Starlette would have replaced the bytes and stored something else)."""
    assert local_hub.connection is not None
    answer = httpx.get(
        local_hub.connection.base_url + path,
        headers={"X-Auth-Token": local_hub.connection.personal_access_token},
    )
    assert answer.status_code == 400
    body = answer.json()
    assert body["message"] == f"the request's {part} is not valid UTF-8 once percent-decoded"
    assert body["requestId"] == answer.headers["x-request-id"]


def test_a_multipart_file_name_that_is_not_text_is_400_and_nothing_stored(
    local_hub: LocalHub,
) -> None:
    """Undecodable bytes in a part's headers, or a ``filename*`` of an encoded surrogate: 400,
    and the pool still has no file."""
    assert local_hub.connection is not None
    connection = local_hub.connection
    headers = {"X-Auth-Token": connection.personal_access_token}
    pool = httpx.post(f"{connection.platform_url}/datapools", json={"name": "p"}, headers=headers)
    files = f"{connection.platform_url}/datapools/{pool.json()['id']}/files"
    for disposition in (
        b'form-data; name="file"; filename="\xff\xfe.csv"',
        b"form-data; name=\"file\"; filename*=UTF-8''%ED%A0%80x.csv",
    ):
        body = b"--b\r\nContent-Disposition: " + disposition + b"\r\n\r\na,b\r\n--b--\r\n"
        answer = httpx.post(
            files,
            content=body,
            headers={**headers, "content-type": "multipart/form-data; boundary=b"},
        )
        assert answer.status_code == 400, answer.text
        assert "malformed multipart body" in answer.json()["message"]
    assert httpx.get(files, headers=headers).json() == []


@pytest.mark.parametrize("api", ["quantum_url", "platform_url"])
def test_a_page_past_sqlite_integers_is_empty_not_500(local_hub: LocalHub, api: str) -> None:
    """``page=1529241411676085420032`` (found by make fuzz): the offset is past what SQLite
    can count, so past every row: an empty page."""
    assert local_hub.connection is not None
    path = "/jobs" if api == "quantum_url" else "/service-executions"
    answer = httpx.get(
        getattr(local_hub.connection, api) + path,
        params={"page": "1529241411676085420032"},
        headers={"X-Auth-Token": local_hub.connection.personal_access_token},
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["content"] == []
