"""Confirmation tokens in isolation: bound to the caller, verified under any configured key, spent once."""

from __future__ import annotations

import time

import pytest

from xero_mcp.tools._confirm import ConfirmationTokens, MemoryNonces
from xero_mcp.tools._errors import UserInputError

ARGS = {"invoice": "INV-1", "tenant": "t-1"}


async def test_a_token_is_honoured_only_for_the_caller_it_was_issued_to() -> None:
    who = ["alice"]
    tokens = ConfirmationTokens(caller=lambda: who[0])
    token = await tokens.issue("void_invoice", ARGS)
    who[0] = "bob"
    with pytest.raises(UserInputError, match="to the person it was issued to"):
        await tokens.redeem("void_invoice", ARGS, token)
    who[0] = "alice"
    await tokens.redeem("void_invoice", ARGS, token)


async def test_after_a_key_rotation_tokens_signed_under_the_previous_key_still_redeem_once() -> None:
    old, new = b"o" * 32, b"n" * 32
    nonces = MemoryNonces(time.time)
    before = ConfirmationTokens(keys=[old], nonces=nonces)
    token = await before.issue("void_invoice", ARGS)
    # The rotated signer shares the issued nonces (as replicas share the store) and verifies under either key.
    after = ConfirmationTokens(keys=[new, old], nonces=nonces)
    await after.redeem("void_invoice", ARGS, token)
    with pytest.raises(UserInputError, match="already used"):
        await after.redeem("void_invoice", ARGS, token)
    with pytest.raises(UserInputError, match="does not match"):
        await ConfirmationTokens(keys=[new], nonces=nonces).redeem(
            "void_invoice", ARGS, await before.issue("void_invoice", ARGS)
        )
