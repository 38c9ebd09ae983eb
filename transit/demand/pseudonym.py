"""Keyed pseudonyms for card ids: HMAC-SHA256 with a secret key kept away from the data.

The key comes from the environment variable ``TRANSIT_PSEUDONYM_KEY`` or from a key file (its
bytes, trailing whitespace stripped). A raw card id is turned into its pseudonym as soon as it is
read and is never written anywhere; the same key gives the same pseudonym, so a card's rides
link across files, while without the key nobody can go back from pseudonym to card.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Iterable
from pathlib import Path

from transit.core.errors import InputError, Location, RefusedError

ENV_KEY = "TRANSIT_PSEUDONYM_KEY"
#: Hex characters kept from the HMAC digest (80 bits: collisions are negligible at city scale).
PSEUDONYM_CHARS = 20
_MIN_KEY_BYTES = 16


def load_key(*, key_file: Path | None = None, forbid_inside: Path | None = None) -> bytes:
    """The pseudonym key: from ``key_file`` when given, else ``$TRANSIT_PSEUDONYM_KEY``.

    Raises :class:`InputError` when there is no key or it is shorter than 16 bytes, and
    :class:`RefusedError` when the key file lies inside ``forbid_inside`` (the store: a key must
    never be kept with the data it protects).
    """
    if key_file is not None:
        if not key_file.is_file():
            raise InputError("pseudonym key file not found", Location.of(key_file))
        if forbid_inside is not None:
            inside = forbid_inside.resolve()
            if inside == key_file.resolve().parent or inside in key_file.resolve().parents:
                raise RefusedError(
                    f"the pseudonym key file {key_file} is inside the store {forbid_inside}; "
                    "keep the key away from the data"
                )
        key = key_file.read_bytes().strip()
        where = Location.of(key_file)
    else:
        key = os.environ.get(ENV_KEY, "").strip().encode("utf-8")
        where = Location(field=ENV_KEY)
    if not key:
        raise InputError(
            f"no pseudonym key: set {ENV_KEY} or pass --key-file (a secret of 16+ characters)",
            where,
        )
    if len(key) < _MIN_KEY_BYTES:
        raise InputError(f"pseudonym key too short ({len(key)} bytes; need 16 or more)", where)
    return key


def pseudonymize(card_id: str, key: bytes) -> str:
    """The pseudonym of one card id: the first 20 hex characters of HMAC-SHA256(key, id)."""
    digest = hmac.new(key, card_id.encode("utf-8"), hashlib.sha256).hexdigest()
    return digest[:PSEUDONYM_CHARS]


def pseudonymize_many(card_ids: Iterable[str], key: bytes) -> list[str]:
    """Pseudonyms of many card ids, in order (equal to :func:`pseudonymize` of each).

    HMAC as in RFC 2104, with the keyed inner and outer hash states computed once and copied
    per id: about twice as fast as ``hmac.new`` per id (hundreds of thousands of cards).
    """
    block = hashlib.sha256().block_size
    k = hashlib.sha256(key).digest() if len(key) > block else key
    k = k.ljust(block, b"\0")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in k))
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in k))
    out: list[str] = []
    first = ""
    for card in card_ids:
        i = inner.copy()
        i.update(card.encode("utf-8"))
        o = outer.copy()
        o.update(i.digest())
        out.append(o.hexdigest()[:PSEUDONYM_CHARS])
        if len(out) == 1:
            first = card
    if out and out[0] != pseudonymize(first, key):  # pragma: no cover - guards the shortcut
        raise AssertionError("pseudonymize_many disagrees with HMAC-SHA256")
    return out


def key_check(key: bytes) -> str:
    """A fingerprint that tells whether two ingests used the same key without revealing it."""
    return hmac.new(key, b"transit-pseudonym-key-check", hashlib.sha256).hexdigest()[:16]
