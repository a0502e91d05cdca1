"""The one error of the accounts core, with the field it is about.

Why a field: the web form and the admin command show the message next to the right input
(or name the option), and a test can check both without parsing words.
"""

from __future__ import annotations

from nextline.errors import NextlineError


class AccountError(NextlineError):
    """An account, sign-in, link or role request that cannot be done; nothing was changed.

    `field` names the input it is about (`username`, `password`, `token`, `role`, ...);
    the message is plain and says what to do.
    """

    def __init__(self, field: str, reason: str) -> None:
        self.field = field
        self.reason = reason
        super().__init__(f"{field}: {reason}")
