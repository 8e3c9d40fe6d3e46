"""The one error type a user can cause, and the exit codes of the command line."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0            # no finding at or above --fail-on
    FINDINGS = 1      # findings at or above --fail-on
    USAGE = 2         # an input or the command could not be used


class UserError(Exception):
    """Something wrong with what the user gave us: a file, an option, a rule pack.

    Carries where it is, so the command line can print one line
    ``file:line: message`` and go on with the other inputs.
    """

    def __init__(self, message: str, file: str | None = None, line: int | None = None,
                 column: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.column = column

    def __str__(self) -> str:
        where = self.file or ""
        if self.file and self.line:
            where += f":{self.line}"
            if self.column:
                where += f":{self.column}"
        return f"{where}: {self.message}" if where else self.message
