"""``ssbsim list``: the shipped parameter sets, experiments, calibrations and studies."""


def add(sub):
    lst = sub.add_parser(
        "list",
        help="list shipped parameter sets, experiments, calibrations and studies",
        description="List shipped parameter sets, experiments, calibrations and studies with their descriptions.",
    )
    lst.set_defaults(func=command)


def _described(paths):
    """(stem, TOML data) of shipped files, read as plain TOML: listing checks nothing and
    needs neither PyBaMM nor the parameter registry."""
    from ..tomlfile import read_toml

    return [(path.stem, read_toml(path)[0]) for path in sorted(paths)]


def command(args):
    from ..resources import shipped_dir

    print("Parameter sets (-p NAME):")
    for name, data in _described(shipped_dir("parameter_sets").glob("*.toml")):
        print(f"  {name:28s} {data.get('description', '')}")
    print("Experiments (ssbsim run NAME):")
    for name, data in _described(shipped_dir("experiments").glob("*.toml")):
        n_cycles = sum(block.get("repeat", 1) for block in data.get("block", []))
        print(f"  {name:28s} {n_cycles:4d} cycles  {data.get('description', '')}")
    print("Calibrations (ssbsim fit NAME):")
    for name, data in _described((shipped_dir("parameter_sets") / "calibration").glob("*.toml")):
        print(f"  {name:28s} {data.get('description', '')}")
    print("Studies (ssbsim study NAME):")
    for name, data in _described((shipped_dir("experiments") / "studies").glob("*.toml")):
        print(f"  {name:28s} {data.get('description', '')}")
    return 0
