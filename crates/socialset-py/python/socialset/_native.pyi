# The native module (crates/socialset-py/src/lib.rs): one entry point and the exceptions.
from typing import Any, Optional, Sequence, Tuple

def run(args: Sequence[str], rows: Optional[str] = None) -> Tuple[Optional[str], Optional[Any]]:
    """Runs `socialset ARGS...` in this process; returns (the JSON document it prints, the
    rows at the JSON pointer `rows` as a pyarrow.Table)."""

def version() -> str: ...

class SocialsetError(Exception): ...

class BadInputError(SocialsetError):
    file: str
    line: int
    field: Optional[str]
    value: Optional[str]

class UsageError(SocialsetError): ...
class NotFoundError(SocialsetError): ...

def last_timings() -> dict:
    """Seconds the last call spent in the command, making its rows Arrow batches, and handing
    them to pyarrow (for `cargo xtask bench-python`)."""
