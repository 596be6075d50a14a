"""The progress line of a fit on stderr: solves so far, the best cost so far, and what the
fit is doing (start k of n, a refit, a Jacobian, profile end k of n for a parameter).

The mechanism of ``ssbsim run`` and ``ssbsim study`` (tqdm through
``simulation/progress.progress_bar``). On a terminal: one line, updated in place. Written
elsewhere (a log, a pipe), tqdm's in-place updates would pile up on one line, so each
becomes a plain line: one at each start and profile end, at most one every
PLAIN_INTERVAL seconds in between. The trials ``-v`` prints go to stdout as before,
through tqdm on a terminal (which keeps the progress line below them).
"""

import math
import sys
from contextlib import contextmanager

#: seconds between plain progress lines (stderr not a terminal)
PLAIN_INTERVAL = 30.0


class _PlainLines:
    """A file for tqdm that turns each in-place update ('\\r' + status) into a line,
    skipping a repeat of the last one."""

    def __init__(self, stream):
        self.stream = stream
        self.encoding = getattr(stream, "encoding", None) or "utf-8"
        self.last = None

    def write(self, text):
        line = text.replace("\r", "").rstrip()
        if line and line != self.last:
            self.stream.write(line + "\n")
            self.last = line

    def flush(self):
        self.stream.flush()


class FitProgress:
    """The progress line of one fit (``show`` False: none; trial lines are still printed).
    ``solves()``: the number of solves so far."""

    def __init__(self, solves, show=True, stream=None):
        self.solves = solves
        self.show = show
        self.stream = stream or sys.stderr
        self.tty = show and getattr(self.stream, "isatty", lambda: False)()
        self.best = math.inf
        self.now = ""
        self.bar = None

    def _status(self):
        best = f"best cost {self.best:.5g}; " if math.isfinite(self.best) else ""
        return best + self.now

    def _bar(self):
        if self.bar is None:
            from ..simulation.progress import progress_bar

            self.bar = progress_bar(
                desc="ssbsim fit",
                file=self.stream if self.tty else _PlainLines(self.stream),
                mininterval=0.1 if self.tty else PLAIN_INTERVAL,
                miniters=1,
                bar_format="{desc}: {n} solves, {elapsed}{postfix}",
                postfix=self._status(),
            )
        return self.bar

    def phase(self, text, announce=True):
        """The fit now does ``text``; a plain line at once if ``announce``."""
        self.now = text
        if self.show:
            bar = self._bar()
            bar.n = self.solves()
            bar.set_postfix_str(self._status(), refresh=announce or self.tty)

    @contextmanager
    def during(self, text):
        """``text`` (not announced) for the duration of the block, then the phase before."""
        before = self.now
        self.phase(text, announce=False)
        try:
            yield
        finally:
            self.phase(before, announce=False)

    def trial(self, cost):
        """A trial of ``cost`` solved."""
        self.best = min(self.best, cost)
        if self.show:
            bar = self._bar()
            bar.set_postfix_str(self._status(), refresh=False)
            bar.update(self.solves() - bar.n)

    def write(self, line):
        """One line on stdout (the ``-v`` trials), below the progress line on a terminal."""
        if self.bar is not None and self.tty:
            self.bar.write(line, file=sys.stdout)
            sys.stdout.flush()
        else:
            print(line, flush=True)

    def close(self):
        if self.bar is not None:
            self.bar.update(self.solves() - self.bar.n)
            self.bar.close()
            self.bar = None
