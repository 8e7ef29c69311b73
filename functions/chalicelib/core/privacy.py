"""What erasing a person does to an item that must stay (a vote still counted, a topic still
listed): the item keeps its content but no longer says whose it was."""

from __future__ import annotations

import contextlib
from typing import Any

from chalicelib.core import keys, store


def forget_owner(item: dict[str, Any]) -> None:
    """Remove the address and the person-index attributes from `item`, if it still exists."""
    # Gone meanwhile: nothing left to erase.
    with contextlib.suppress(store.ConditionFailed):
        store.update(keys.primary_key(item), f"REMOVE #email, {', '.join(keys.person_attributes())}",
                     condition="attribute_exists(pk)", names={"#email": "email"}, return_values="NONE")
