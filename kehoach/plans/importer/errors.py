"""The one error the importer raises for a file it cannot read: its message is shown to staff."""


class ImportFileError(ValueError):
    """A file the importer refuses; `message` is already translated (gettext at the raise site)."""

    def __init__(self, message: str, *, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line  # 1-based source line when the problem is at one place in the text

    def __str__(self) -> str:
        return self.message
