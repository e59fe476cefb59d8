/**
 * Baton's pytest plugin for the check's process (docs/verification.md, "The
 * check's process"): the text of `baton_check.py`, which pytest loads with
 * `-p baton_check` (PYTEST_ADDOPTS Baton sets after taking the job's away,
 * from a folder of its own on PYTHONPATH that the sandbox shows read-only),
 * before the project's conftest files. Python has no intrinsics to lock, so
 * it checks what it can. A check fails when, before it runs, a builtin was
 * replaced or removed, a function or class member of pytest's own modules or
 * pluggy's was replaced, or a pytest plugin was registered by code other than
 * a conftest file; and when a value one of its assertions compares says it
 * equals anything (`__eq__` always true, `__ne__` always false: a matcher of
 * its own) and its class is the project's code, not a test's or a library's.
 * pytest judges a passing assertion's values only with
 * `enable_assertion_pass_hook`, which Baton sets. What reported the checks may
 * itself be what was changed (a plugin that marks every report passed), so
 * the run then also ends failed, saying why. Pure: only the text.
 */

/** The module's text. */
export function checkPluginSource(): string {
  return String.raw`"""Baton's check process for pytest (docs/verification.md, "The check's process"). Written by Baton; do not edit."""
import builtins
import os
import sys

import _pytest.assertion.rewrite as _rewrite
import pytest

_BUILTINS = dict(vars(builtins))
# What pytest sets itself while it runs a check, and so differs between two.
_MOVING = {
    ("_pytest.assertion.util", "_reprcompare"),
    ("_pytest.assertion.util", "_assertion_pass"),
    ("_pytest.assertion.util", "_config"),
}
_taints = []
_snapshot = {}
_root = [None]


def _pytest_module(name):
    return name in ("pytest", "_pytest", "pluggy") or name.startswith(("_pytest.", "pluggy."))


def _take():
    taken = {}
    for name, module in list(sys.modules.items()):
        if module is None or not _pytest_module(name):
            continue
        for key, value in list(vars(module).items()):
            if (name, key) in _MOVING:
                continue
            taken[(name, key)] = value
            if isinstance(value, type) and getattr(value, "__module__", None) == name:
                for attr, member in list(vars(value).items()):
                    if callable(member) or isinstance(member, (classmethod, staticmethod, property)):
                        taken[(name, key, attr)] = member
    return taken


def _changed():
    found = []
    now = vars(builtins)
    for name, value in _BUILTINS.items():
        if now.get(name, _BUILTINS) is not value:
            found.append("builtins." + name + " was replaced")
    for key, value in _snapshot.items():
        module = sys.modules.get(key[0])
        if module is None:
            continue
        held = vars(module).get(key[1], _snapshot)
        if len(key) == 3:
            held = vars(held).get(key[2], _snapshot) if isinstance(held, type) else _snapshot
        if held is not value:
            found.append(".".join(key) + " was replaced")
    return sorted(set(found))[:5]


def _is_test_file(path):
    base = os.path.basename(path)
    folders = path.replace("\\", "/").split("/")[:-1]
    return (
        base == "conftest.py"
        or base.startswith("test_")
        or base.endswith("_test.py")
        or any(folder in ("test", "tests", "testing") for folder in folders)
    )


def _project_class(value):
    """Whether the value's class is the project's own code: under the root, not a test, not a library."""
    module = sys.modules.get(getattr(type(value), "__module__", None) or "")
    path = getattr(module, "__file__", None)
    root = _root[0]
    if not path or root is None:
        return False
    path = os.path.realpath(path)
    if not path.startswith(root + os.sep) or "site-packages" in path or "dist-packages" in path:
        return False
    return not _is_test_file(os.path.relpath(path, root))


class _Probe:
    __slots__ = ()


def _equals_anything(value):
    probe = _Probe()
    try:
        return (value == probe) is True or (value != probe) is False
    except Exception:
        return False


def _matcher_in(value, depth=0, seen=None):
    seen = set() if seen is None else seen
    if depth > 50 or id(value) in seen:
        return None
    seen.add(id(value))
    if _project_class(value) and _equals_anything(value):
        return type(value).__qualname__
    if isinstance(value, dict):
        children = list(value.keys()) + list(value.values())
    elif isinstance(value, (list, tuple, set, frozenset)):
        children = list(value)
    else:
        return None
    for child in children:
        found = _matcher_in(child, depth + 1, seen)
        if found:
            return found
    return None


_reprcompare = _rewrite._call_reprcompare


def _call_reprcompare(ops, results, expls, each_obj):
    for value in each_obj:
        found = _matcher_in(value)
        if found:
            raise AssertionError(
                "Baton's check process: a value this assertion compares (" + found + ") says it equals anything,"
                " a matcher of its own; a check compares the code's own values"
            )
    return _reprcompare(ops, results, expls, each_obj)


def pytest_configure(config):
    _root[0] = os.path.realpath(str(config.rootpath))
    _rewrite._call_reprcompare = _call_reprcompare


@pytest.hookimpl(trylast=True)
def pytest_sessionstart(session):
    _snapshot.update(_take())


def pytest_assertion_pass(item, lineno, orig, expl):
    """Implemented so that pytest passes a passing assertion's values through _call_reprcompare."""


def pytest_plugin_registered(plugin, manager):
    if not _snapshot:
        return
    frame = sys._getframe(1)
    while frame is not None:
        name = frame.f_globals.get("__name__", "")
        if not _pytest_module(name) and name != __name__:
            path = frame.f_code.co_filename
            if os.path.basename(path) != "conftest.py":
                _taints.append("a pytest plugin was registered by " + os.path.relpath(path, _root[0] or "."))
            return
        frame = frame.f_back


def _found():
    return _taints + _changed()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    found = _found()
    if found:
        raise AssertionError("Baton's check process: the check's process was changed under it: " + "; ".join(found))


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_sessionfinish(session, exitstatus):
    yield
    found = _found()
    if found:
        # What reported the checks may be what was changed: the run fails, whatever the report says.
        sys.stderr.write("Baton's check process: the check's process was changed under it: " + "; ".join(found) + "\n")
        session.exitstatus = 1
`;
}
