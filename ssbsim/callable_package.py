"""Packages that are also functions: ``ssbsim.fit(...)`` and ``ssbsim.study(...)`` call
the Python face of the command, while ``ssbsim.fit.engine`` and the like stay modules.

A package's module object takes a subclass of ModuleType whose ``__call__`` imports the
function on first use, so that importing the package stays light (no PyBaMM)."""

import importlib
import sys
import types


def make_callable(package, target):
    """Make the module ``package`` callable as ``target`` ("module:function")."""
    module_name, _, function = target.partition(":")

    class CallablePackage(types.ModuleType):
        def __call__(self, *args, **kwargs):
            return getattr(importlib.import_module(module_name), function)(*args, **kwargs)

    CallablePackage.__call__.__doc__ = f"Call {target} (its docstring says how)."
    sys.modules[package].__class__ = CallablePackage
