"""``tomlfile.line_of``: the line an error message names, for every way a key is written."""

import re

from ssbsim.tomlfile import line_of

TEXT = """# a comment naming "Mentioned [m]"
description = "x"
[parameters]
"Quoted key [m]" = 1.0
"Spaced key [m]"   =   { value = 2.0, source = "y" }
bare_key=3
"Quoted key [m]" = 4.0
[[block]]
steps = ["Charge at C/10 until 4.1 V"]
[fit."Fitted [m]"]
[ spaced ]
"""


def searched(text, key):
    """The line as one search per key finds it: the key (quoted or bare) before its '=' or
    in a table header, else its first quoted mention."""
    k = re.escape(key)
    pattern = re.compile(r'^[ \t]*(?:("?)' + k + r'\1[ \t]*=|\[\[?[ \t]*("?)' + k + r"\2[ \t]*\])", re.MULTILINE)
    m = pattern.search(text) or re.search(re.escape(f'"{key}"'), text)
    return text.count("\n", 0, m.start()) + 1 if m else None


def test_line_of_every_way_a_key_is_written():
    expected = {
        "description": 2,
        "parameters": 3,
        "Quoted key [m]": 4,  # the first of two
        "Spaced key [m]": 5,
        "bare_key": 6,
        "block": 8,
        "steps": 9,
        'fit."Fitted [m]"': 10,  # a dotted table header as written
        "Fitted [m]": 10,  # only mentioned quoted
        "spaced": 11,
        "Mentioned [m]": 1,  # only in a comment: its quoted mention
        "value": None,  # inside an inline table: not at the start of a line
        "absent": None,
    }
    for key, line in expected.items():
        assert line_of(TEXT, key) == line == searched(TEXT, key), key
