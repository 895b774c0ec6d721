#!/usr/bin/env python3
"""Fail when a state field is written outside the state machines (CI and pre-commit).

Each stateful model's status (``status``, ``stage``) is assigned only by
``servicedesk.statemachine`` on behalf of an app's ``transitions.py``. This walks the product's
modules and reports every other ``obj.status = …``, ``….update(status=…)`` or
``setattr(obj, "status", …)``. Creating a row in its first state is not a move and is allowed.
A line may carry ``# status-write-ok: <why>`` for a documented exception (demo history)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = [
    "servicedesk",
    "intake",
    "parts",
    "counter",
    "repairs",
    "loaners",
    "followups",
    "complaints",
    "reporting",
]
FIELDS = {"status", "stage"}
ALLOWED_FILES = {"servicedesk/statemachine.py"}
MARKER = "# status-write-ok:"


def problems(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    found = []

    def report(node: ast.AST, what: str) -> None:
        line = lines[node.lineno - 1]
        if MARKER not in line:
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {what}")

    for node in ast.walk(ast.parse(text, filename=str(path))):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = list(node.targets)
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        for target in targets:
            if isinstance(target, ast.Attribute) and target.attr in FIELDS:
                report(node, f"assigns .{target.attr}")
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr == "update":
                for keyword in node.keywords:
                    if keyword.arg in FIELDS:
                        report(node, f"update({keyword.arg}=…)")
            if (
                isinstance(func, ast.Name)
                and func.id == "setattr"
                and len(node.args) >= 2
                and isinstance(node.args[1], ast.Constant)
                and node.args[1].value in FIELDS
            ):
                report(node, f"setattr(…, {node.args[1].value!r}, …)")
    return found


def main() -> int:
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" in relative or relative in ALLOWED_FILES:
                continue
            found.extend(problems(path))
    for line in found:
        print(f"{line}: write the state through the model's StateMachine")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
