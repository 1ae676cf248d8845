"""The Verifier's offline engine: pytest runs, JUnit parsing, test discovery and edit validation."""

from zc_lsp.agents.verifier.testing.discovery import find_tests_for, is_test_file, workspace_python
from zc_lsp.agents.verifier.testing.junit import JUnitSummary, TestFailure, parse_junit
from zc_lsp.agents.verifier.testing.runner import PytestRun, kill_process_group, run_pytest
from zc_lsp.agents.verifier.testing.shadow import apply_text_edits, copy_workspace

__all__ = [
    "JUnitSummary",
    "PytestRun",
    "TestFailure",
    "apply_text_edits",
    "copy_workspace",
    "find_tests_for",
    "is_test_file",
    "kill_process_group",
    "parse_junit",
    "run_pytest",
    "workspace_python",
]
