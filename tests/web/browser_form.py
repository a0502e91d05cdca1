"""What a browser would send back from a page's form, read from the HTML: text, date and
hidden inputs with their values, ticked boxes only, each select's chosen option (the first one
when none is marked, as a browser does), and every textarea (empty ones too).

Why not the values the server meant to fill in: a correction must round-trip through what the
person actually sees, so a select that lacks the stored value, or an input the template
forgot, shows up here as a changed record."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Field:
    name: str
    value: str
    kind: str  # input type, "select" or "textarea"
    required: bool = False


@dataclass
class _Reader(HTMLParser):
    fields: list[Field] = field(default_factory=list)
    _select: Field | None = None
    _first: str | None = None
    _chosen: str | None = None
    _textarea: Field | None = None

    def __post_init__(self) -> None:
        HTMLParser.__init__(self)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type") or "text"
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind in ("submit", "button", "file"):
                return
            self.fields.append(Field(name, a.get("value") or "", kind, "required" in a))
        elif tag == "select" and name:
            self._select = Field(name, "", "select", "required" in a)
            self._first, self._chosen = None, None
        elif tag == "option" and self._select is not None:
            value = a.get("value") or ""
            if self._first is None:
                self._first = value
            if "selected" in a:
                self._chosen = value
        elif tag == "textarea" and name:
            self._textarea = Field(name, "", "textarea", "required" in a)

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "select" and self._select is not None:
            chosen = self._chosen if self._chosen is not None else self._first
            self._select.value = chosen or ""
            self.fields.append(self._select)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.fields.append(self._textarea)
            self._textarea = None


def form_fields(html: str, marker: str = 'class="entry-form"') -> list[Field]:
    """The fields of the form that carries `marker`, in page order."""
    import html as html_lib

    start = html.index(marker)
    form = html[start : html.index("</form>", start)]
    reader = _Reader()
    reader.feed(form)
    for f in reader.fields:
        f.value = html_lib.unescape(f.value)
    return reader.fields


def pairs(fields: list[Field]) -> list[tuple[str, str]]:
    return [(f.name, f.value) for f in fields]
