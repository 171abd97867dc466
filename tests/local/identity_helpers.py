"""What the identity tests (provider tokens, organization images, invitations) share: the
default user's and other users' Platform clients, a fresh organization, sample images, and
looks into the Hub's data directory."""

from __future__ import annotations

import contextlib
import sqlite3
import struct
import uuid
import zlib
from collections.abc import Callable, Iterator

from qhub.api.platform import HubPlatformClient
from qhub.api.user import HubUserClient
from qhub.local.server import LocalHub, LocalUser

#: Platform clients for a token (the default user's unless given), optionally acting for an
#: organization.
Platform = Callable[..., HubPlatformClient]


@contextlib.contextmanager
def platform_clients(hub: LocalHub) -> Iterator[Platform]:
    """A :data:`Platform` factory whose clients are closed at the end."""
    clients: list[HubPlatformClient] = []

    def make(token: str | None = None, organization_id: str | None = None) -> HubPlatformClient:
        assert hub.connection is not None
        client = HubPlatformClient(
            api_key=token or hub.connection.personal_access_token,
            organization_id=organization_id,
            base_url=hub.connection.platform_url,
            max_retries=0,
        )
        clients.append(client)
        return client

    try:
        yield make
    finally:
        for client in clients:
            client.close()


def new_organization(platform: HubPlatformClient) -> str:
    """The id of a new organization the client's user owns."""
    created = platform.organizations.create_organization(
        display_name=f"Lab {uuid.uuid4().hex[:8]}", billing_email="lab@example.org"
    )
    assert created.id is not None
    return created.id


def user_id_of(hub: LocalHub, user: LocalUser) -> str:
    """A user's id, from the User API."""
    assert hub.connection is not None
    with HubUserClient(
        api_key=user.personal_access_token, base_url=hub.connection.user_url
    ) as users:
        me = users.user_settings.get_current_user()
    assert me.id is not None
    return me.id


def secret(label: str) -> str:
    """A distinctive secret value, to look for where it must not be."""
    return f"{label}-{uuid.uuid4().hex}"


def image_files(hub: LocalHub) -> set[str]:
    """The files of the Hub's image directory."""
    return {p.name for p in (hub.hub.data_dir / "organization-images").iterdir()}


def stored_bytes(hub: LocalHub) -> bytes:
    """Everything the SQLite database holds on disk (main file, WAL, shared memory)."""
    db = hub.hub.data_dir / "hub.sqlite3"
    return b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*") if p.is_file())


def token_rows(hub: LocalHub, owner_id: str) -> int:
    """How many provider tokens of an organization or user the SQLite file holds."""
    database = hub.hub.data_dir / "hub.sqlite3"
    with contextlib.closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as db:
        query = "SELECT count(*) FROM provider_tokens WHERE owner_id = ?"
        return int(db.execute(query, (owner_id,)).fetchone()[0])


def _png() -> bytes:
    """A real 1x1 PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


PNG = _png()
#: A real 1x1 GIF.
GIF = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00"
    b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)
#: A JPEG's start (SOI and a JFIF APP0 segment) and end: what its signature is read from.
JPEG = (
    b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    + b"\x00" * 64
    + b"\xff\xd9"
)
#: A WebP's RIFF header and a lossless chunk's start.
WEBP = b"RIFF" + struct.pack("<I", 30) + b"WEBPVP8L" + b"\x00" * 22
