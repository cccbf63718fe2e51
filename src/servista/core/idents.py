"""How people and programs name records: by id or by number."""

import re

_ID = re.compile(r"[0-9]{1,18}")  # ASCII digits that fit a 64-bit primary key
_NUMBER = re.compile(r"([A-Z]{2,8})([0-9]{1,18})")


def parse_id(value) -> int | None:
    """The primary key a value stands for, or None when it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 < value < 2**63 else None
    if isinstance(value, str) and _ID.fullmatch(value):
        return int(value)
    return None


def split_number(value: str) -> tuple[str, str] | None:
    """('INC', '0001001') for 'INC0001001' (any case); None otherwise."""
    match = _NUMBER.fullmatch((value or "").upper())
    return (match.group(1), match.group(2)) if match else None
