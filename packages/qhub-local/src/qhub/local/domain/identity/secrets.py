"""Signed tokens (HS256 JWTs, stdlib only) and secret hashing for the local Hub."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Callable
from typing import Any

from ..errors import Unauthorized

__all__ = [
    "ACCESS_TOKEN_KIND",
    "EXECUTION_TOKEN_KIND",
    "SecretBox",
    "TokenSigner",
    "hash_secret",
    "new_secret",
    "secrets_match",
]

#: The ``kind`` claim of gateway access tokens.
ACCESS_TOKEN_KIND = "access"  # noqa: S105 - a claim value, not a secret
#: The ``kind`` claim of the tokens service executions act with.
EXECUTION_TOKEN_KIND = "execution"  # noqa: S105 - a claim value


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def new_secret(prefix: str = "", nbytes: int = 32) -> str:
    """A random, URL-safe secret."""
    return prefix + secrets.token_urlsafe(nbytes)


def hash_secret(secret: str) -> str:
    """A one-way hash of a high-entropy secret (they are random, so no slow KDF is needed)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def secrets_match(secret: str, stored_hash: str) -> bool:
    """Constant-time check of a secret against its stored hash."""
    return hmac.compare_digest(hash_secret(secret), stored_hash)


class TokenSigner:
    """Issues and verifies HS256 JWTs with one key."""

    def __init__(self, key: bytes, clock: Callable[[], float] = time.time) -> None:
        self._key = key
        self.clock = clock

    def issue(self, claims: dict[str, Any], ttl: float) -> str:
        """A token with ``claims`` plus ``iat``, ``exp`` and a unique ``jti``."""
        now = int(self.clock())
        payload = {**claims, "iat": now, "exp": int(now + ttl), "jti": secrets.token_hex(8)}
        head = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
        body = _b64(json.dumps(payload, separators=(",", ":")).encode())
        signature = hmac.new(self._key, f"{head}.{body}".encode(), hashlib.sha256).digest()
        return f"{head}.{body}.{_b64(signature)}"

    def verify(self, token: str, *, kind: str) -> dict[str, Any]:
        """The claims of a valid, unexpired token of this ``kind``.

        Raises:
            Unauthorized: bad signature, wrong kind, malformed, or expired.
        """
        parts = token.split(".")
        if len(parts) != 3:
            raise Unauthorized("the token is malformed")
        expected = hmac.new(self._key, f"{parts[0]}.{parts[1]}".encode(), hashlib.sha256).digest()
        try:
            valid = hmac.compare_digest(_unb64(parts[2]), expected)
            claims = json.loads(_unb64(parts[1]))
        except ValueError as exc:
            raise Unauthorized("the token is malformed") from exc
        if not valid or not isinstance(claims, dict):
            raise Unauthorized("the token's signature is invalid")
        if claims.get("kind") != kind:
            raise Unauthorized(f"this is not a {kind} token")
        if not isinstance(claims.get("exp"), int) or claims["exp"] <= self.clock():
            raise Unauthorized("the token has expired")
        return claims


class SecretBox:
    """Seals short secrets so that the database alone can't give them back.

    An application's secret access key must be shown again (the Platform lists an
    application's access keys), so it is kept sealed with a key derived from the Hub's
    signing key (``signing.key``, beside the database, mode 0600): HMAC-SHA256 as a keystream
    in counter mode, then HMAC-SHA256 over nonce and ciphertext (encrypt-then-MAC).
    """

    def __init__(self, key: bytes) -> None:
        self._encryption_key = hmac.new(
            key, b"qhub-local secret box: encrypt", hashlib.sha256
        ).digest()
        self._mac_key = hmac.new(key, b"qhub-local secret box: mac", hashlib.sha256).digest()

    def _keystream(self, nonce: bytes, length: int) -> bytes:
        blocks = (
            hmac.new(self._encryption_key, nonce + n.to_bytes(4, "big"), hashlib.sha256).digest()
            for n in range(-(-length // 32))
        )
        return b"".join(blocks)[:length]

    def seal(self, secret: str) -> str:
        """``secret`` encrypted and authenticated, as URL-safe text."""
        nonce = secrets.token_bytes(16)
        plain = secret.encode()
        cipher = bytes(
            a ^ b for a, b in zip(plain, self._keystream(nonce, len(plain)), strict=True)
        )
        tag = hmac.new(self._mac_key, nonce + cipher, hashlib.sha256).digest()[:16]
        return _b64(nonce + cipher + tag)

    def open(self, sealed: str) -> str:
        """The secret :meth:`seal` sealed.

        Raises:
            ValueError: not sealed by this box (another key, or altered).
        """
        raw = _unb64(sealed)
        nonce, cipher, tag = raw[:16], raw[16:-16], raw[-16:]
        expected = hmac.new(self._mac_key, nonce + cipher, hashlib.sha256).digest()[:16]
        if len(raw) < 32 or not hmac.compare_digest(tag, expected):
            raise ValueError("the sealed secret was not sealed with this key")
        plain = bytes(
            a ^ b for a, b in zip(cipher, self._keystream(nonce, len(cipher)), strict=True)
        )
        return plain.decode()
