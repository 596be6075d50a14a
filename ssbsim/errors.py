"""The two ways a run can fail, kept apart because they get different exit codes.

``InputError`` (exit 2): something the user supplied is wrong -- a parameter file, an
experiment file, a data file, a command-line value. Its message is one line that names
the file and the key or line at fault.

``SimulationError`` (exit 1): the input was valid but the solver could not complete.
"""


class SsbsimError(Exception):
    """Base class of ssbsim's own errors."""


class InputError(SsbsimError, ValueError):
    """Bad user input. ``str(err)`` is the one-line message the command prints."""

    def __init__(self, source, message, where=None):
        self.source = str(source)
        self.where = where
        location = f"{self.source}:{where}" if where is not None else self.source
        super().__init__(one_line(f"{location}: {message}"))


def one_line(text):
    """``text`` with line breaks and other control characters escaped: a message is one
    line whatever a file name or a value holds."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(text))


class SimulationError(SsbsimError, RuntimeError):
    """The model could not be solved with valid input; the message gives the reason."""


class OutputError(SsbsimError, OSError):
    """The outputs could not be written (full or read-only disk, ...) after the work was
    done (exit 1); the message says what became of the previous outputs."""
