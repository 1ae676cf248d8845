"""`zc fix` repairs broken modules offline so that they work again, and changes nothing with --diff/--check."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

CASES = {
    "missing_colon": ("def double(x)\n    return x * 2\n", "double(4) == 8"),
    "eq_in_condition": ("def sign(x):\n    if x = 0:\n        return 0\n    return 1 if x > 0 else -1\n",
                        "sign(0) == 0 and sign(-3) == -1"),
    "unclosed_paren": ("def area(w, h):\n    return (w * h\n\n\nVALUE = area(2, 3)\n", "VALUE == 6"),
    "missing_comma": ("VALUES = [\n    10\n    20,\n    30,\n]\n", "VALUES == [10, 20, 30]"),
    "missing_comma_in_call": ("def pair(a, b):\n    return (a, b)\n\n\nP = pair(1 2)\n", "P == (1, 2)"),
    "missing_stdlib_import": ("def load(text):\n    return json.loads(text)\n", "load('[1]') == [1]"),
    "missing_from_import": ("def tally(words):\n    return Counter(words).most_common(1)[0][0]\n",
                            "tally(['a', 'b', 'a']) == 'a'"),
    "typo_of_a_local": ("def total(values):\n    result = 0\n    for value in values:\n        result += value\n"
                        "    return reslt\n", "total([1, 2]) == 3"),
    "unexpected_indent": ("def f():\n    a = 1\n        b = 2\n    return a + b\n", "f() == 3"),
}


def _zc(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "XDG_DATA_HOME": str(cwd / ".data"), "XDG_CONFIG_HOME": str(cwd / ".config")}
    return subprocess.run([sys.executable, "-m", "zc_lsp.cli", "fix", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("name", sorted(CASES))
def test_zc_fix_makes_the_module_work_again(tmp_path: Path, name: str) -> None:
    source, check = CASES[name]
    module = tmp_path / f"{name}.py"
    module.write_text(source)
    out = _zc(str(module), cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    fixed = module.read_text()
    assert fixed != source
    run = subprocess.run([sys.executable, "-c", textwrap.dedent(f"""
                              import sys; sys.path.insert(0, {str(tmp_path)!r})
                              from {name} import *
                              assert {check}
                          """)], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, (fixed, run.stderr)


def test_diff_and_check_change_nothing(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    source = "import os\n\n\ndef f(x)\n    return x\n"
    module.write_text(source)
    diff = _zc("--diff", str(module), cwd=tmp_path)
    assert diff.returncode == 0 and "+def f(x):" in diff.stdout and "-import os" in diff.stdout
    check = _zc("--check", str(module), cwd=tmp_path)
    assert check.returncode == 1
    assert module.read_text() == source


def test_check_on_clean_code_exits_0(tmp_path: Path) -> None:
    module = tmp_path / "clean.py"
    module.write_text('"""Fine."""\n\n\ndef add(a: int, b: int) -> int:\n    return a + b\n')
    assert _zc("--check", str(module), cwd=tmp_path).returncode == 0


def test_code_outside_the_defect_is_untouched(tmp_path: Path) -> None:
    module = tmp_path / "two.py"
    keep = "def keep(a,b):\n    # odd   spacing stays as the author wrote it\n    return  a+b\n"
    module.write_text(keep + "\n\ndef broken(x)\n    return x\n")
    assert _zc(str(module), cwd=tmp_path).returncode == 0
    assert module.read_text().startswith(keep)


def test_missing_path_is_a_clear_error(tmp_path: Path) -> None:
    out = _zc(str(tmp_path / "nope.py"), cwd=tmp_path)
    assert out.returncode == 2 and "no such file" in out.stderr and "Traceback" not in out.stderr
