"""Phone numbers: the one implementation is the core's (departments have phones too)."""

from servicedesk.phones import (
    DEFAULT_REGION,
    display_phone,
    last_four,
    mask_phone,
    normalize_phone,
)

__all__ = ["DEFAULT_REGION", "display_phone", "last_four", "mask_phone", "normalize_phone"]
