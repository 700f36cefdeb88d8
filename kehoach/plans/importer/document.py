"""The importer's view of a document: numbered lines of text, whatever the file format was.

Every format is turned into the same markdown-like text that real plans arrive as: headings and
bold runs keep their `**` markers, tables become `| cell | cell |` rows with `<br>` between the
paragraphs of a cell. The parser reads only this, and the review screen shows these lines, so
each extracted item can point at the line it came from.
"""

from dataclasses import dataclass

from kehoach.lib.vntext import nfc


@dataclass(frozen=True)
class Line:
    number: int  # 1-based, as shown beside the source text
    text: str


@dataclass(frozen=True)
class Document:
    lines: tuple[Line, ...]
    name: str = ""
    kind: str = "txt"  # docx, pdf, md, txt, html

    @classmethod
    def from_text(cls, text: str, *, name: str = "", kind: str = "txt") -> "Document":
        normalised = nfc(text.replace("\r\n", "\n").replace("\r", "\n"))
        lines = tuple(
            Line(number, line) for number, line in enumerate(normalised.split("\n"), start=1)
        )
        return cls(lines=lines, name=name, kind=kind)

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)
