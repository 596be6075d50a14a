"""The kinds of entry of the parameter registry (``registry.py``): settable parameters,
derived quantities and indexed families, with their ranges and rebuild effects.

Nothing here imports PyBaMM at import time: a parameter set loads without it. ``symbol()``
builds the ``pybamm.Parameter`` of an entry, and only the model calls it.
"""

import math
import re
from dataclasses import dataclass

# value ranges, checked on load and on --set
POSITIVE = "positive"
NONNEGATIVE = "non-negative"
FRACTION = "fraction"  # 0 < v <= 1
OPEN_FRACTION = "open fraction"  # 0 <= v < 1
STOICHIOMETRY = "stoichiometry"  # 0 < v < 1
TEMPERATURE = "temperature"  # 150 K .. 700 K
POTENTIAL = "potential"  # -1 V .. 10 V vs Na+/Na
# apparent (Tafel) transfer coefficient (RT/F) dln|j|/dE, 0 < v <= 3: above 1 for a multistep
# reaction whose rate-determining step follows electron transfers in pre-equilibrium (n' + beta,
# Bard & Faulkner, Electrochemical Methods, 2nd ed. 2001, ch. 3.5; Guidelli et al., Pure Appl.
# Chem. 86 (2014) 245, cited from memory, not checked offline)
APPARENT_TRANSFER = "apparent transfer coefficient"

# what changing a settable parameter does to a built simulation
INPUT = "input"  # enters the equations only as itself: a PyBaMM input parameter, re-solve only
MESH = "mesh"  # shapes the geometry or the mesh: rebuild
DERIVES = "derived quantity"  # enters a derived quantity: rebuild
OCP_TABLE = "OCP table"  # enters the tabulated OCP: rebuild

_UNIT = re.compile(r"^(.*?)\s*\[([^\]]*)\]\s*$")


def split_unit(name):
    """("SE conductivity", "S.m-1") for "SE conductivity [S.m-1]"; (name, None) if unitless."""
    m = _UNIT.match(name)
    return (m.group(1), m.group(2)) if m else (name.strip(), None)


def check_range(value, kind):
    """Message if ``value`` violates ``kind``, else None."""
    if not math.isfinite(value):
        return "must be a finite number"
    if kind == POSITIVE and not value > 0:
        return f"must be positive, got {value:g}"
    if kind == NONNEGATIVE and not value >= 0:
        return f"must be non-negative, got {value:g}"
    if kind == FRACTION and not 0 < value <= 1:
        return f"must be in (0, 1], got {value:g}"
    if kind == OPEN_FRACTION and not 0 <= value < 1:
        return f"must be in [0, 1), got {value:g}"
    if kind == STOICHIOMETRY and not 0 < value < 1:
        return f"must be in (0, 1), got {value:g}"
    if kind == TEMPERATURE and not 150 <= value <= 700:
        return f"must be a temperature in kelvin between 150 and 700, got {value:g}"
    if kind == APPARENT_TRANSFER and not 0 < value <= 3:
        return f"must be an apparent transfer coefficient in (0, 3], got {value:g}"
    if kind == POTENTIAL and not -1 <= value <= 10:
        return f"must be a potential in volts vs Na+/Na between -1 and 10, got {value:g}"
    return None


@dataclass(frozen=True)
class Parameter:
    """A settable parameter: ``key`` (its attribute in the model's ``CellParameters``),
    full ``name`` (with [SI unit]), value ``range``, ``effect`` on a built simulation,
    ``meaning``; ``required`` in every parameter set, else optional. Its provenance is the
    ``source`` its parameter set gives (``doi:``, ``estimate:``, ``fitted:``)."""

    key: str
    name: str
    range: str
    effect: str
    meaning: str
    required: bool = True

    settable = True

    @property
    def unit(self):
        return split_unit(self.name)[1]

    @property
    def rebuild(self):
        """Whether a new value needs a new build (else it can be a PyBaMM input)."""
        return self.effect != INPUT

    def indexed(self, k):
        """The member ``k`` of a family entry (its name a template with ``{k}``)."""
        return Parameter(self.key, self.name.format(k=k), self.range, self.effect, self.meaning, False)

    def symbol(self):
        import pybamm

        return pybamm.Parameter(self.name)


@dataclass(frozen=True)
class Derived:
    """A quantity the model needs that follows from others (``derived.py``): never set
    directly; ``how`` it is derived is its provenance."""

    key: str
    name: str
    how: str
    inputs: tuple = ()  # for a FunctionParameter: its input names

    settable = False

    @property
    def unit(self):
        return split_unit(self.name)[1]

    def indexed(self, k):
        return Derived(self.key, self.name.format(k=k), self.how, self.inputs)

    def symbol(self, *args):
        import pybamm

        if self.inputs:
            return pybamm.FunctionParameter(self.name, dict(zip(self.inputs, args)))
        return pybamm.Parameter(self.name)


class Family:
    """Entries indexed by ``k`` = 0, 1, ... (an SE anion, an MSMR reaction, a size bin),
    each defined once by a name template containing ``{k}``: ``family.names(k)[key]`` is
    the full name of member ``key`` of index ``k``, ``family[k][key]`` its entry."""

    def __init__(self, what, *members, first=0):
        self.what = what
        self.members = members
        self.first = first
        self._patterns = [(re.compile(re.escape(m.name).replace(re.escape("{k}"), r"(\d+)")), m) for m in members]

    def names(self, k):
        """key -> full name of the members of index ``k``."""
        return {m.key: m.name.format(k=k) for m in self.members}

    def __getitem__(self, k):
        return {m.key: m.indexed(k) for m in self.members}

    def match(self, name):
        """The member entry named ``name`` (any index), or None."""
        for pattern, member in self._patterns:
            m = pattern.fullmatch(name)
            if m:
                return member.indexed(int(m.group(1)))
        return None

    def count(self, values):
        """Number of consecutive indices first, first + 1, ... whose first member is in ``values``."""
        n = 0
        while self.members[0].name.format(k=self.first + n) in values:
            n += 1
        return n


class Group:
    """The fixed entries of one mechanism; ``group.key`` is the entry of that ``key``."""

    def __init__(self, what, *entries):
        self.what = what
        self.entries = entries
        self._by_key = {e.key: e for e in entries}
        assert len(self._by_key) == len(entries), f"{what}: duplicate keys"

    def __iter__(self):
        return iter(self.entries)

    def __getattr__(self, key):
        try:
            return self.__dict__["_by_key"][key]
        except KeyError:
            raise AttributeError(key) from None
