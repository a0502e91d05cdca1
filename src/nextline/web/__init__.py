"""The local web app (`nextline serve`): FastAPI + Jinja2 + htmx, served from the package.

`create_app(settings)` builds it when called, never on import; a public bind address is
refused until the app has sign-in (`check_bind_address`).
"""

from __future__ import annotations

from nextline.web.app import create_app
from nextline.web.security import check_bind_address, is_loopback

__all__ = ["check_bind_address", "create_app", "is_loopback"]
