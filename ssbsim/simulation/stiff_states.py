r"""Stiff states of a cycle jump (``simulation/extrapolate.py``), settled onto their
envelope rather than extrapolated.

Such a state obeys, cycle to
cycle, :math:`x_{n+1} = a\,x_n + b_n` (linearised: :math:`a = \partial x_{n+1}/\partial
x_n` its contraction per cycle, :math:`b_n` set by the slow states), and its envelope
:math:`x^e_{n+1} = a\,x^e_n + b_n` follows the slow states; a deviation
:math:`d = x - x^e` decays as :math:`d_{n+1} = a\,d_n`. When :math:`a` is well below one
(the cracked layer of Cell A: 0.86-0.88 once the block has run 20 cycles, 0.93 in its
first cycles) the state is stiff for the jump: the error a jump leaves in it is still
:math:`a^2 \approx 0.77` of itself at the end of the next window, enters the next fit as
curvature and shortens the next jump (measured before this treatment: the simulated
cycles of formation_4p15V jumped about from 65 to 144 with the tolerance, and set to the
full run's value at each jump, 53-66). Such states are treated implicitly, as in
Petzold's envelope-following method (L. R. Petzold, SIAM J. Numer. Anal. 18 (1981) 455,
doi:10.1137/0718030), which solves the periodicity condition of the cycle map for the
stiff components by Newton's method rather than extrapolating them:

- **Contraction** (``probe_cycle``, ``contraction``). The cycle after a jump is run a
  second time with the geometric states changed by PROBE (2 %); the ratio of the
  changes at its end is :math:`a`, and the change of every state is the cycle map's
  Jacobian column :math:`J` of the stiff state (``response``). States with
  :math:`0 < a <` STIFF (0.95: the explicit step is stable only for
  :math:`h \lesssim 2/(1-a) = 40` cycles) are stiff. The probe is repeated when the block
  has run PROBE_GROWTH times as long as at the last probe (the contraction drifts
  slowly; on formation_4p15V 4 probes in 800 cycles, 6 with PROBE_GROWTH 2, which also
  simulated 2 cycles more at the default tolerance: ``extrapolate.py``).
- **Settling** (``settled``). At each window (cycle ends :math:`x_m`, :math:`x_{m+1}`),
  the envelope value :math:`x^e_{m+1} = e^w` solves

  .. math:: x^e_{m+1} - a\,x^e_{m+1} e^{-D(w)} = x_{m+1} - a\,x_m,

  which subtracts the two cycle maps (:math:`d_{m+1} = a\,d_m`) with the envelope's
  change over the cycle, :math:`x^e_m = x^e_{m+1} e^{-D}`, from the quadratic in
  :math:`\ln x` through the settled ends of the two windows before and the unknown
  (``envelope_step``). Newton's method on :math:`w` from :math:`\ln x_{m+1}`. The state
  is set to :math:`x^e` (the next cycle, or the next fit, starts on the envelope). Where
  :math:`|e^D - a| < (1-a)/4` the state decays about as fast as a deviation would
  (no source, :math:`b \approx 0`), nothing tells them apart, and it is left as it is.
- **The other states' slopes** (``without_deviation``). The deviation :math:`d_m` also
  changed the other states over the window's cycle, by :math:`J d_m`; the window's
  start is moved by it, so that its slope is the envelope's.
- **Error test.** A stiff state is left out of the error test that sizes the jump, as
  algebraic variables are in DAE solvers (IDA's ``suppressalg``, Hindmarsh et al., ACM
  Trans. Math. Softw. 31 (2005) 363): after a jump it is set again from the other
  (controlled) states at the next window; its extrapolated value only starts the two
  cycles before it. Its settled values carry the solver's per-cycle noise times
  :math:`a/(1-a) \approx 7` (about 0.2 %), which, in the error test, would limit the jumps
  by noise.
"""

import numpy as np

from .cycle_jumps import fit_space

PROBE = 0.02  # relative change of the geometric states in the probe cycle that measures their contraction
STIFF = 0.95  # contraction per cycle below which a geometric state is settled after a jump (2/(1-a) = 40 cycles)
PROBE_GROWTH = 3  # the contraction is measured again when the block has run this many times as long


def contraction(start, probed_start, end, probed_end, candidates):
    """The contraction per cycle :math:`a = \\partial x_{n+1}/\\partial x_n` of each
    ``candidates`` state (mask over the differential states) from a probe: the same cycle
    run from ``start`` and from ``probed_start`` (the candidates changed), ending at ``end``
    and ``probed_end``. NaN where the probe did not change the state (a state at zero)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        a = (probed_end - end) / (probed_start - start)
    return np.where(candidates & (probed_start != start), a, np.nan)


def stiff_mask(a):
    """The states stiff for the jump: contraction per cycle in (0, STIFF)."""
    return np.isfinite(a) & (a > 0) & (a < STIFF)


def envelope_step(points, cycle):
    """The envelope's change in fit space over the cycle ending at ``cycle``, as a linear
    function ``D0 + D1 w`` of its (unknown) value ``w`` there: the difference over that
    cycle of the polynomial through ``points`` (the settled ends ``(cycle, z)`` of the last
    one or two windows) and ``(cycle, w)`` -- the secant, or the quadratic's
    :math:`f_{01} + f_{012}\\,(2 t - 1 - t_0 - t_1)`. Returns (D0, D1)."""

    def step(w):
        (t1, z1), t = points[-1], cycle
        f12 = (w - z1) / (t - t1)
        if len(points) == 1:
            return f12
        t0, z0 = points[-2]
        f01 = (z1 - z0) / (t1 - t0)
        return f01 + (f12 - f01) / (t - t0) * (2 * t - 1 - t0 - t1)

    d0 = step(0.0)
    return d0, step(1.0) - d0


def settled(before, end, points, cycle, a, stiff):
    """The stiff states of a window -- ``before`` and ``end`` its two cycle ends (the
    second at ``cycle``), ``points`` the settled ends ``(cycle, ln x)`` of the last one or
    two windows before it, ``a`` their contraction per cycle -- moved onto the envelope
    (see the module docstring): the envelope value :math:`x^e = e^w` solves
    :math:`x^e - a\\,x^e e^{-D(w)} = x_{m+1} - a\\,x_m`, :math:`D` the envelope's change
    in :math:`\\ln x` over the window's cycle (``envelope_step``), by Newton's method from
    :math:`w = \\ln x_{m+1}`. A state left as it is:
    not stiff, not positive, ill-conditioned (:math:`|e^D - a| < (1-a)/4`: the envelope
    decaying about as fast as a deviation from it; nothing tells them apart, nor need
    it), or Newton's method not converged. Returns the settled window's two ends and the
    mask of the states settled."""
    with np.errstate(all="ignore"):
        u = end - a * before
        d0, d1 = envelope_step(points, cycle)
        w = np.log(end)
        for _ in range(12):
            back = a * np.exp(w - d0 - d1 * w)
            w = w - (np.exp(w) - back - u) / (np.exp(w) - back * (1 - d1))
        x, rho = np.exp(w), np.exp(d0 + d1 * w)
        ok = stiff & (before > 0) & (end > 0) & np.isfinite(x) & (x > 0)
        ok &= np.abs(x - a * x / rho - u) <= 1e-9 * np.abs(x) + 1e-300
        ok &= np.abs(rho - a) >= (1 - a) / 4
    return np.where(ok, x / np.where(ok, rho, 1.0), before), np.where(ok, x, end), ok


def without_deviation(before, settled_before, response, stiff):
    """The window's start ``before`` (differential states) with the stiff states at their
    settled values ``settled_before`` and the other states moved by what the stiff
    states' deviation from them changes over one cycle, so that the window's slope is
    the envelope's: the probe's ``response`` (the change of the stiff states put in,
    the change of every state one cycle later) gives that column of the cycle map's
    Jacobian (the least-squares rank-one map when several states were probed)."""
    push, moved = response
    deviation = np.where(stiff, before - settled_before, 0.0)
    with np.errstate(all="ignore"):
        share = push @ deviation / (push @ push)
    # no push to scale by (its square under- or overflows: probed states of ~1e-160 or
    # ~1e160, trials far from the data): no move, rather than NaN in every state
    share = share if np.isfinite(share) else 0.0
    return np.where(stiff, settled_before, before + moved * share)


def settle_window(windows, before, end, cycle, log, a, response):
    """A new window (its start ``before`` in fit space, its ``end`` the differential
    states at ``cycle``) with the stiff states settled onto the envelope (``settled``;
    ``windows``: the block's windows before it) and the other states' start moved by the
    effect of the stiff states' deviation over the window's cycle
    (``without_deviation``). Returns the window's start (fit space) and its end."""
    undo = np.where(log, np.exp(np.where(log, before, 0.0)), before)
    points = [(w.cycle, w.end) for w in windows[-2:]]
    start, end, done = settled(undo, end, points, cycle, a, stiff_mask(a))
    moved = without_deviation(undo, start, response, done)
    # a state in log space that the move would take to zero or below (one decaying away,
    # itself not settled: the linearised move is out of its range) keeps its start
    # (measured: at the fitted asakura2020_interphase values, a cracked layer decaying
    # 0.59-fold a cycle went to ln 1e-300 and the next jump overflowed)
    return fit_space(np.where(log & (moved <= 0), undo, moved), log), end
