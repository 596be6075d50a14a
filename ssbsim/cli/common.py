"""What the commands share: the parser (one-line errors), ``NAME=VALUE`` pairs, the
``--limit`` option, and the output options (folders written as a unit: ``ssbsim/outputs.py``)."""

import argparse

from .. import limits
from ..errors import InputError


class Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2 (argparse prints usage too)
        self.exit(2, f"ssbsim: error: {message} (see {self.prog} --help)\n")


def pairs(items, source, parse_value):
    """``{NAME: parse_value(NAME, VALUE)}`` of ``NAME=VALUE`` items."""
    out = {}
    for item in items or []:
        name, sep, value = item.rpartition("=")
        if not sep or not name.strip():
            raise InputError(source, f"{item!r} is not NAME=VALUE")
        out[name.strip()] = parse_value(name.strip(), value.strip())
    return out


def number(name, value):
    try:
        return float(value)
    except ValueError:
        raise InputError("--set", f"{name!r}: value {value!r} is not a number") from None


def limit_option(parser):
    parser.add_argument(
        "--limit",
        action="append",
        metavar="NAME=VALUE",
        help=f"raise a work-size limit ({', '.join(limits.LIMITS)}; see README, or {limits.ENVIRONMENT})",
    )


def output_option(parser, default=None):
    said = f" (default: {default})" if default else ""
    parser.add_argument("-o", "--output", metavar="OUTDIR", default=None, help=f"output folder{said}")


def overwrite_option(parser):
    parser.add_argument(
        "--overwrite", action="store_true", help="replace OUTDIR if it holds another run (default: refuse, exit 2)"
    )
