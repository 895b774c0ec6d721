"""The reliability table: every test marked ``@pytest.mark.reliability(fault, how)`` with the
outcome it had in this very run, written as Markdown to ``$CI_ARTIFACTS/reliability.md`` and, with
``UPDATE_RELIABILITY_TABLE=1``, into ``docs/reliability.md`` between the reliability marker
comments.

Works under pytest-xdist: the marker's arguments ride on ``item.user_properties`` (copied into
every report a worker sends to the controller); only the controller (or a run without xdist)
collects the reports and writes the files.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pytest

MARKER = "reliability"
PROPERTY = "reliability"
#: The page that keeps the table from the last full run, and the comments around the table.
TABLE_PAGE = Path("docs") / "reliability.md"
TABLE_START = "<!-- reliability:start -->"
TABLE_END = "<!-- reliability:end -->"

PASSED, FAILED, SKIPPED = "passed", "FAILED", "skipped"


@dataclass(frozen=True)
class CaseResult:
    """One test case (one parametrization) of one ``reliability`` marker and its outcome."""

    nodeid: str
    fault: str
    how: str
    outcome: str  # PASSED, FAILED or SKIPPED


def _test_name(nodeid: str) -> str:
    """``tests/a/test_b.py::test_c[x-1]`` → ``a/test_b.py::test_c`` (parametrizations grouped)."""
    name = nodeid.split("[", 1)[0]
    return name.removeprefix("tests/")


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _result(outcomes: list[str]) -> str:
    failed = outcomes.count(FAILED)
    skipped = outcomes.count(SKIPPED)
    if failed:
        return f"**FAILED** ({failed} of {len(outcomes)})" if len(outcomes) > 1 else "**FAILED**"
    if skipped == len(outcomes):
        return SKIPPED
    if skipped:
        return f"passed ({skipped} of {len(outcomes)} skipped)"
    return PASSED


def build_table(results: Iterable[CaseResult]) -> str:
    """A Markdown table with one row per (fault, how): its tests, parametrized cases counted
    (``×12``), and the result. Rows are ordered by fault, then by their first test, so the table
    is stable whatever order the tests ran in."""
    rows: dict[tuple[str, str], list[CaseResult]] = {}
    for result in results:
        rows.setdefault((result.fault, result.how), []).append(result)
    ordered = sorted(
        rows.items(), key=lambda row: (row[0][0].lower(), min(case.nodeid for case in row[1]))
    )
    lines = [
        "| fault or attack | how it was tried | tests | result |",
        "|---|---|---|---|",
    ]
    for (fault, how), cases in ordered:
        tests: dict[str, int] = {}
        for case in sorted(cases, key=lambda case: case.nodeid):
            name = _test_name(case.nodeid)
            tests[name] = tests.get(name, 0) + 1
        names = "<br>".join(
            f"`{name}`" + (f" (×{count})" if count > 1 else "") for name, count in tests.items()
        )
        outcome = _result([case.outcome for case in cases])
        lines.append(f"| {_cell(fault)} | {_cell(how)} | {names} | {outcome} |")
    return "\n".join(lines) + "\n"


def replace_table_section(page: str, table: str) -> str:
    """``page`` with the text between the two marker comments replaced by ``table``."""
    pattern = re.compile(re.escape(TABLE_START) + r".*?" + re.escape(TABLE_END), re.DOTALL)
    if not pattern.search(page):
        raise ValueError(f"the page has no {TABLE_START} … {TABLE_END} section")
    return pattern.sub(lambda _: f"{TABLE_START}\n{table}{TABLE_END}", page, count=1)


def _artifacts_dir(config: pytest.Config) -> Path:
    return Path(os.environ.get("CI_ARTIFACTS") or config.rootpath / "var" / "ci-artifacts")


def _is_xdist_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


# --- hooks ----------------------------------------------------------------------------------


def pytest_collection_modifyitems(config, items):
    """A ``reliability`` marker without both a fault and a way it was tried is a usage error."""
    for item in items:
        for marker in item.iter_markers(MARKER):
            args = marker.args
            if len(args) != 2 or not all(isinstance(a, str) and a.strip() for a in args):
                raise pytest.UsageError(
                    f"{item.nodeid}: use @pytest.mark.reliability('<fault or attack>', "
                    f"'<how it was tried>')"
                )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Put the marker's arguments on the item before its report is made, so they travel with
    the report from an xdist worker to the controller."""
    if not any(name == PROPERTY for name, _ in item.user_properties):
        markers = [list(marker.args) for marker in item.iter_markers(MARKER)]
        if markers:
            item.user_properties.append((PROPERTY, markers))
    yield


class ReliabilityReporter:
    """Registered on the controller (or the only process): collects the marked tests' reports
    and writes the table at the end of the session."""

    def __init__(self, config: pytest.Config):
        self.config = config
        self.outcomes: dict[str, str] = {}
        self.markers: dict[str, list[list[str]]] = {}

    def pytest_runtest_logreport(self, report) -> None:
        markers = next((value for name, value in report.user_properties if name == PROPERTY), None)
        if markers is None:
            return
        self.markers[report.nodeid] = markers
        if report.failed:
            outcome = FAILED  # in any phase, setup and teardown included
        elif report.skipped and report.when in ("setup", "call"):
            outcome = SKIPPED
        elif report.passed and report.when == "call":
            outcome = PASSED
        else:
            return
        if self.outcomes.get(report.nodeid) != FAILED:
            self.outcomes[report.nodeid] = outcome

    def results(self) -> list[CaseResult]:
        return [
            CaseResult(nodeid=nodeid, fault=fault, how=how, outcome=self.outcomes[nodeid])
            for nodeid, markers in self.markers.items()
            if nodeid in self.outcomes
            for fault, how in markers
        ]

    def pytest_sessionfinish(self, session, exitstatus) -> None:
        results = self.results()
        if not results:
            return
        table = build_table(results)
        directory = _artifacts_dir(self.config)
        directory.mkdir(parents=True, exist_ok=True)
        (directory / "reliability.md").write_text(
            "# Reliability: faults and attacks tried in this run\n\n" + table, encoding="utf-8"
        )
        if os.environ.get("UPDATE_RELIABILITY_TABLE") == "1":
            page = self.config.rootpath / TABLE_PAGE
            page.write_text(
                replace_table_section(page.read_text(encoding="utf-8"), table),
                encoding="utf-8",
            )


def pytest_configure(config):
    if not _is_xdist_worker(config):
        config.pluginmanager.register(ReliabilityReporter(config), "reliability-table")
