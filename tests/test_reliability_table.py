"""The reliability table plugin itself: the Markdown it builds and what a real run writes."""

import os
import textwrap
from pathlib import Path

import pytest

from tests.reliability_table import (
    FAILED,
    PASSED,
    SKIPPED,
    TABLE_END,
    TABLE_PAGE,
    TABLE_START,
    CaseResult,
    build_table,
    replace_table_section,
)

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[1]


def case(nodeid, outcome=PASSED, fault="Worker killed", how="SIGKILL mid-task"):
    return CaseResult(nodeid=nodeid, fault=fault, how=how, outcome=outcome)


def test_parametrized_cases_are_one_row_with_a_count():
    table = build_table(
        [case(f"tests/a/test_x.py::test_walk[role{i}]") for i in range(3)]
        + [case("tests/a/test_y.py::test_other")]
    )
    rows = table.strip().splitlines()
    assert rows[0] == "| fault or attack | how it was tried | tests | result |"
    assert len(rows) == 3
    assert "`a/test_x.py::test_walk` (×3)<br>`a/test_y.py::test_other`" in rows[2]
    assert rows[2].endswith("| passed |")


def test_one_failed_case_makes_the_row_failed_and_skips_are_counted():
    failed = build_table([case("t.py::a[1]"), case("t.py::a[2]", FAILED)])
    assert "**FAILED** (1 of 2)" in failed
    all_skipped = build_table([case("t.py::a", SKIPPED)])
    assert all_skipped.strip().endswith("| skipped |")
    some_skipped = build_table([case("t.py::a[1]"), case("t.py::a[2]", SKIPPED)])
    assert "passed (1 of 2 skipped)" in some_skipped


def test_rows_are_ordered_by_fault_and_pipes_are_escaped():
    table = build_table(
        [
            case("tests/b.py::t", fault="B"),
            case("tests/a.py::t", fault="A | pipe", how="x\ny"),
        ]
    )
    rows = table.strip().splitlines()[2:]
    assert rows[0].startswith("| A \\| pipe | x y |")
    assert rows[1].startswith("| B |")


def test_the_section_between_the_markers_is_replaced_and_nothing_else():
    page = f"# T\n\nintro\n{TABLE_START}\nold table\n{TABLE_END}\n\nafter\n"
    updated = replace_table_section(page, "| new |\n")
    assert updated == f"# T\n\nintro\n{TABLE_START}\n| new |\n{TABLE_END}\n\nafter\n"
    with pytest.raises(ValueError):
        replace_table_section("no markers", "| new |\n")


def test_the_projects_reliability_page_has_the_section_and_the_readme_links_it():
    page = (ROOT / TABLE_PAGE).read_text(encoding="utf-8")
    assert page.count(TABLE_START) == 1 and page.count(TABLE_END) == 1
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert TABLE_START not in readme and "docs/reliability.md" in readme


SAMPLE_TESTS = textwrap.dedent(
    """
    import pytest

    @pytest.mark.reliability("Database down", "connection refused")
    def test_ok():
        pass

    @pytest.mark.reliability("Hostile input", "fuzzed form")
    @pytest.mark.parametrize("n", [1, 2, 3])
    def test_param(n):
        assert n != 3

    @pytest.mark.reliability("Broker gone", "no Redis")
    def test_skipped():
        pytest.skip("no Redis here")

    def test_unmarked():
        pass
    """
)


def run_sample(pytester, *args):
    pytester.makeconftest('pytest_plugins = ["tests.reliability_table"]')
    pytester.makeini(
        "[pytest]\nmarkers =\n    reliability(fault, how): a fault or attack tried on purpose\n"
    )
    pytester.makepyfile(test_sample=SAMPLE_TESTS)
    artifacts = pytester.path / "artifacts"
    env = {"CI_ARTIFACTS": str(artifacts), "PYTHONPATH": str(ROOT)}
    return artifacts, env


def check_sample_table(artifacts):
    table = (artifacts / "reliability.md").read_text(encoding="utf-8")
    assert "| Database down | connection refused | `test_sample.py::test_ok` | passed |" in table
    assert (
        "| Hostile input | fuzzed form | `test_sample.py::test_param` (×3) | **FAILED** (1 of 3) |"
    ) in table
    assert "| Broker gone | no Redis | `test_sample.py::test_skipped` | skipped |" in table
    assert "test_unmarked" not in table


def test_a_run_writes_the_table_with_each_tests_real_outcome(pytester, monkeypatch):
    artifacts, env = run_sample(pytester)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("UPDATE_RELIABILITY_TABLE", raising=False)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "-p", "no:django")
    result.assert_outcomes(passed=4, failed=1, skipped=1)
    check_sample_table(artifacts)


def test_under_xdist_the_controller_writes_the_table_and_the_page(pytester, monkeypatch):
    artifacts, env = run_sample(pytester)
    page = pytester.path / TABLE_PAGE
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(f"# R\n{TABLE_START}\n{TABLE_END}\n", encoding="utf-8")
    for key, value in {**env, "UPDATE_RELIABILITY_TABLE": "1"}.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    result = pytester.runpytest_subprocess(
        "-n", "2", "-p", "no:cacheprovider", "-p", "no:django", timeout=120
    )
    result.assert_outcomes(passed=4, failed=1, skipped=1)
    check_sample_table(artifacts)
    assert "| Database down | connection refused |" in page.read_text(encoding="utf-8")


def test_a_marker_without_both_arguments_is_a_usage_error(pytester, monkeypatch):
    pytester.makeconftest('pytest_plugins = ["tests.reliability_table"]')
    pytester.makeini("[pytest]\nmarkers =\n    reliability(fault, how): x\n")
    pytester.makepyfile(
        test_bad="import pytest\n\n@pytest.mark.reliability('only a fault')\ndef test_a():\n"
        "    pass\n"
    )
    monkeypatch.setenv("CI_ARTIFACTS", str(pytester.path / "artifacts"))
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "-p", "no:django")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
