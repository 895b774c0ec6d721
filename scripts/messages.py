#!/usr/bin/env python3
"""Translation catalogues: extract, check, compile. No GNU gettext needed to compile.

    python scripts/messages.py compile   # .po -> .mo for every catalogue (uses Babel)
    python scripts/messages.py extract [APP…]  # makemessages (needs gettext); APP: project, intake…
    python scripts/messages.py check     # fail if any catalogue has an untranslated or fuzzy entry
    python scripts/messages.py fill PO JSON  # set msgstrs from a {"msgid": "译文"} JSON file

Project-wide strings (templates/ and servicedesk/) go to locale/; each app has <app>/locale/.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ["intake", "repairs", "complaints", "followups"]
LANGUAGE = "zh_Hans"
IGNORE = [*APPS, ".venv", "var", "tests", "scripts", "node_modules", "fixtures"]


def catalogues() -> list[Path]:
    return sorted(ROOT.glob(f"**/locale/{LANGUAGE}/LC_MESSAGES/django.po"))


def compile_all() -> None:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po_path in catalogues():
        if ".venv" in po_path.parts:
            continue
        with po_path.open("rb") as handle:
            catalog = read_po(handle, locale=LANGUAGE)
        with po_path.with_suffix(".mo").open("wb") as handle:
            write_mo(handle, catalog, use_fuzzy=False)


def extract(only: list[str]) -> None:
    """makemessages for the project ("project") and each app, or only those named."""
    python = sys.executable
    common = ["makemessages", "-l", LANGUAGE, "--add-location=never", "--no-obsolete"]
    ignores = [f"--ignore={name}/*" for name in IGNORE]
    if not only or "project" in only:
        subprocess.run([python, "manage.py", *common, *ignores], cwd=ROOT, check=True)
    env = {**os.environ, "SERVICEDESK_LOCALE_PATHS": ""}
    for app in APPS:
        if only and app not in only:
            continue
        (ROOT / app / "locale").mkdir(exist_ok=True)
        subprocess.run(
            [python, str(ROOT / "manage.py"), *common, "--ignore=migrations/*"],
            cwd=ROOT / app,
            env=env,
            check=True,
        )


def check() -> int:
    from babel.messages.pofile import read_po

    problems = 0
    for po_path in catalogues():
        if ".venv" in po_path.parts:
            continue
        with po_path.open("rb") as handle:
            catalog = read_po(handle, locale=LANGUAGE)
        for message in catalog:
            if not message.id:
                continue
            strings = (
                message.string if isinstance(message.string, tuple | list) else [message.string]
            )
            if message.fuzzy or not all(strings):
                problems += 1
                print(f"{po_path.relative_to(ROOT)}: untranslated: {message.id!r}")
    return problems


def fill(po_path: Path, json_path: Path) -> None:
    import json

    from babel.messages.pofile import read_po, write_po

    translations = json.loads(json_path.read_text(encoding="utf-8"))
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale=LANGUAGE)
    for message in catalog:
        if message.id and not isinstance(message.id, tuple | list) and message.id in translations:
            message.string = translations[message.id]
            message.flags.discard("fuzzy")
        elif message.id and isinstance(message.id, tuple | list) and message.id[0] in translations:
            value = translations[message.id[0]]
            message.string = tuple(value) if isinstance(value, list) else (value,)
            message.flags.discard("fuzzy")
    with po_path.open("wb") as handle:
        catalog.fuzzy = False
        write_po(handle, catalog, width=100, omit_header=False, sort_output=False)


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "compile"
    if command == "compile":
        compile_all()
        return 0
    if command == "extract":
        extract(argv[2:])
        return 0
    if command == "fill":
        fill(Path(argv[2]), Path(argv[3]))
        return 0
    if command == "check":
        return 1 if check() else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
