"""The repair engine's newer classes, each with a case it must fix and one it must leave alone."""

from __future__ import annotations

from pathlib import Path

from zc_lsp.agents.engines.repair import repair_source
from zc_lsp.agents.engines.repair.calls import unbindable_calls
from zc_lsp.agents.engines.repair.literals import merged_items


def fixed(tmp_path: Path, source: str) -> str:
    result = repair_source(source, tmp_path / "m.py", workspace_root=tmp_path)
    compile(result.text, "m.py", "exec")
    return result.text


def test_strings_joined_for_a_lost_comma_are_split_again(tmp_path: Path) -> None:
    source = 'NAMES = [\n    "ann",\n    "bob"\n    "cy",\n]\n'
    assert fixed(tmp_path, source) == 'NAMES = [\n    "ann",\n    "bob",\n    "cy",\n]\n'


def test_a_message_split_on_purpose_is_left_alone() -> None:
    source = 'LINES = [\n    "first line",\n    "a long message that goes "\n    "on and on",\n]\n'
    assert merged_items(source) == []


def test_a_closer_goes_where_the_builtin_call_binds(tmp_path: Path) -> None:
    text = fixed(tmp_path, "def mean(xs):\n    return sum(xs) / max(len(xs, 1)\n")
    assert "max(len(xs), 1)" in text
    assert unbindable_calls("n = len([], 1)\n") == 1 and unbindable_calls("def len(a, b): ...\nlen(1, 2)\n") == 0


def test_a_bracket_closed_before_a_comprehension_filter(tmp_path: Path) -> None:
    text = fixed(tmp_path, "def evens(n):\n    return [i for i in range(n if i % 2 == 0]\n")
    assert "range(n) if i % 2 == 0]" in text


def test_a_comma_missing_before_the_token_python_points_at(tmp_path: Path) -> None:
    assert fixed(tmp_path, "def pair(a b):\n    return a, b\n").startswith("def pair(a, b):")


def test_a_return_between_loop_and_function_levels_ends_the_function(tmp_path: Path) -> None:
    source = "def flat(rows):\n  out = []\n  for r in rows:\n    for x in r:\n      out.append(x)\n   return out\n"
    assert fixed(tmp_path, source).endswith("\n  return out\n")


def test_a_body_less_class_takes_its_methods_back(tmp_path: Path) -> None:
    source = "class M:\ndef __init__(self, v):\n    self.v = v\n\ndef get(self):\n    return self.v\n"
    namespace: dict[str, object] = {}
    exec(fixed(tmp_path, source), namespace)  # noqa: S102 - our own fixture text
    assert namespace["M"](3).get() == 3  # type: ignore[operator]


def test_a_called_name_imports_the_class_not_the_module(tmp_path: Path) -> None:
    text = fixed(tmp_path, "def day(y):\n    return datetime(y, 1, 1).year\n")
    assert text.startswith("from datetime import datetime\n\n\ndef day")


def test_a_module_name_used_with_attributes_imports_the_module(tmp_path: Path) -> None:
    assert fixed(tmp_path, "def day(y):\n    return datetime.date(y, 1, 1)\n").startswith("import datetime\n")


def test_an_abbreviation_of_a_local_beats_a_close_builtin(tmp_path: Path) -> None:
    source = "def find(xs, t):\n    for index, x in enumerate(xs):\n        if x == t:\n            return idx\n"
    assert "return index" in fixed(tmp_path, source)


def test_an_ambiguous_typo_is_not_guessed(tmp_path: Path) -> None:
    source = "def f(alpha, alpho):\n    return alphx\n"
    result = repair_source(source, tmp_path / "m.py", workspace_root=tmp_path)
    assert "return alphx" in result.text


def test_a_name_the_module_assigns_is_not_imported_from_the_stdlib(tmp_path: Path) -> None:
    source = "def tally(xs):\n    for x in xs:\n        count += x\n    count = 0\n    return count\n"
    result = repair_source(source, tmp_path / "m.py", workspace_root=tmp_path)
    assert "itertools" not in result.text


def test_hashlib_and_threading_classes_are_imported_by_name(tmp_path: Path) -> None:
    text = fixed(tmp_path, "def digest(b):\n    return sha256(b).hexdigest()\n")
    assert text.startswith("from hashlib import sha256\n")


def test_strings_joined_on_one_line_of_a_set_are_split_again(tmp_path: Path) -> None:
    assert fixed(tmp_path, "V = {'a', 'e' 'i', 'o'}\n") == "V = {'a', 'e', 'i', 'o'}\n"
    assert merged_items('M = ["x", "long " "message"]\n') == []  # trailing space: split on purpose


def test_an_else_body_does_not_take_the_return_after_both_branches(tmp_path: Path) -> None:
    source = "def f(x):\n    if x:\n        y = 1\n    else:\n    y = 2\n    return y\n"
    assert fixed(tmp_path, source).endswith("    else:\n        y = 2\n    return y\n")


def test_tabs_against_a_space_indented_header_become_spaces(tmp_path: Path) -> None:
    source = "class A:\n    def f(self):\n\tx = 1\n\treturn x\n"
    assert fixed(tmp_path, source) == "class A:\n    def f(self):\n        x = 1\n        return x\n"


def test_crlf_files_keep_their_line_endings_and_a_bom_survives(tmp_path: Path) -> None:
    assert fixed(tmp_path, "def f(t):\r\n    return json.loads(t)\r\n").startswith(
        "import json\r\n\r\n\r\ndef f(t):\r\n"
    )
    result = repair_source("\ufeffdef f(x)\n    return x\n", tmp_path / "m.py", workspace_root=tmp_path)
    assert result.text == "\ufeffdef f(x):\n    return x\n"


def test_a_colon_goes_before_a_comment_and_a_one_line_body_moves_down(tmp_path: Path) -> None:
    assert fixed(tmp_path, "def f(x)  # doubles\n    return 2 * x\n").startswith("def f(x):  # doubles\n")
    source = "def f(x):\n    if x > 0 return x\n    return 0\n"
    assert fixed(tmp_path, source) == "def f(x):\n    if x > 0:\n        return x\n    return 0\n"


def test_a_transposed_name_is_a_typo_of_one_edit(tmp_path: Path) -> None:
    source = 'import json\n\n\ndef f():\n    return jsno.loads("1")\n'
    assert fixed(tmp_path, source) == 'import json\n\n\ndef f():\n    return json.loads("1")\n'


def test_a_lost_opener_is_put_back_where_the_expression_starts(tmp_path: Path) -> None:
    assert fixed(tmp_path, "VALUES = 1, 2, 3]\n") == "VALUES = [1, 2, 3]\n"
    assert fixed(tmp_path, 'D = "a": 1}\n') == 'D = {"a": 1}\n'
    assert fixed(tmp_path, "def f(xs):\n    return len xs)\n") == "def f(xs):\n    return len(xs)\n"
    assert fixed(tmp_path, "def f():\n    return sum(1, 2, 3])\n") == "def f():\n    return sum([1, 2, 3])\n"
    assert fixed(tmp_path, "def f(a, b):\n    return (a + b) * 2)\n") == "def f(a, b):\n    return (a + b) * 2\n"


def test_a_comma_lost_at_the_end_of_the_previous_line_and_eq_in_a_conditional_expression(tmp_path: Path) -> None:
    source = "def f(\n    a,\n    b\n    c,\n):\n    return a + b + c\n"
    assert fixed(tmp_path, source) == "def f(\n    a,\n    b,\n    c,\n):\n    return a + b + c\n"
    assert fixed(tmp_path, "def f(x):\n    return 1 if x = 0 else 2\n") == "def f(x):\n    return 1 if x == 0 else 2\n"


def test_a_workspace_name_comes_from_the_module_not_from_a_test_that_also_defines_it(tmp_path: Path) -> None:
    (tmp_path / "pricing.py").write_text("def discount(p):\n    return p * 0.9\n")
    (tmp_path / "test_pricing.py").write_text(
        "def discount(p):\n    return p\n\n\ndef test_x():\n    assert discount(1)\n"
    )
    text = fixed(tmp_path, "def total(ps):\n    return sum(discount(p) for p in ps)\n")
    assert text.startswith("from pricing import discount\n")
