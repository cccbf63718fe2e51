"""Who an API token belongs to: the accounts app registers how tokens are
checked (core keeps no tokens itself)."""

from collections.abc import Callable

_authenticators: list[Callable] = []


def register_token_authenticator(authenticate: Callable) -> None:
    """``authenticate(raw_token) -> user or None``; the first that knows
    the token answers."""
    if authenticate not in _authenticators:
        _authenticators.append(authenticate)


def user_for_token(raw: str):
    for authenticate in _authenticators:
        user = authenticate(raw)
        if user is not None:
            return user
    return None
