"""Keyed pseudonyms: key sources, refusals, determinism."""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

import pytest

from transit.core.errors import InputError, RefusedError
from transit.demand.pseudonym import ENV_KEY, key_check, load_key, pseudonymize


def test_pseudonym_is_truncated_hmac_sha256() -> None:
    """The pseudonym is the first 20 hex digits of HMAC-SHA256(key, id)."""
    key = b"k" * 16
    want = hmac.new(key, b"JE00000000000001", hashlib.sha256).hexdigest()[:20]
    assert pseudonymize("JE00000000000001", key) == want
    assert pseudonymize("JE00000000000001", b"j" * 16) != want


def test_key_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """The environment variable gives the key (stripped)."""
    monkeypatch.setenv(ENV_KEY, "  secret-secret-secret \n")
    assert load_key() == b"secret-secret-secret"


def test_missing_and_short_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    """No key, or a key under 16 bytes, is an input error naming the variable."""
    monkeypatch.delenv(ENV_KEY, raising=False)
    with pytest.raises(InputError, match="TRANSIT_PSEUDONYM_KEY"):
        load_key()
    monkeypatch.setenv(ENV_KEY, "short")
    with pytest.raises(InputError, match="too short"):
        load_key()


def test_key_file_inside_store_is_refused(tmp_path: Path) -> None:
    """A key file kept inside the store is refused; outside it is read."""
    store = tmp_path / "store"
    store.mkdir()
    inside = store / "key.txt"
    inside.write_text("0123456789abcdef0123")
    with pytest.raises(RefusedError):
        load_key(key_file=inside, forbid_inside=store)
    outside = tmp_path / "key.txt"
    outside.write_text("0123456789abcdef0123\n")
    assert load_key(key_file=outside, forbid_inside=store) == b"0123456789abcdef0123"
    assert key_check(b"0123456789abcdef0123") != key_check(b"0123456789abcdef0124")
