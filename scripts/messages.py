#!/usr/bin/env python3
"""Translation catalogues: extract, check, compile. No GNU gettext needed to compile.

    python scripts/messages.py compile   # .po -> .mo for every catalogue (uses Babel)
    python scripts/messages.py extract [APP…]  # makemessages (needs gettext); APP: project, intake…
    python scripts/messages.py check     # fail on an untranslated or fuzzy entry, or on one text
                                         # translated differently in two catalogues
    python scripts/messages.py fill PO JSON  # set msgstrs from a {"msgid": "译文"} JSON file
                                             # (with a context: "context\u0004msgid")

Project-wide strings (templates/ and servicedesk/) go to locale/; each app has <app>/locale/.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ["intake", "parts", "counter", "repairs", "complaints", "followups", "loaners"]
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


def _shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def check(paths: list[Path] | None = None) -> int:
    from babel.messages.pofile import read_po

    problems = 0
    seen: dict[tuple[str | None, str], dict[tuple[str, ...], list[str]]] = {}
    for po_path in catalogues() if paths is None else paths:
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
                print(f"{_shown(po_path)}: untranslated: {message.id!r}")
            msgid = message.id[0] if isinstance(message.id, tuple | list) else message.id
            seen.setdefault((message.context, msgid), {}).setdefault(tuple(strings), []).append(
                _shown(po_path)
            )
    # Django looks a message up in one merged catalogue (LOCALE_PATHS first, then the apps in
    # INSTALLED_APPS order): one English text translated differently in two catalogues shows the
    # first catalogue's words on the other app's screens. Same meaning: same words; another
    # meaning: give it a context (pgettext / {% translate … context … %}).
    for (context, msgid), variants in seen.items():
        if len(variants) > 1:
            problems += 1
            where = "; ".join(f"{'/'.join(v)} in {', '.join(p)}" for v, p in variants.items())
            label = f"{context}|{msgid}" if context else msgid
            print(f"translated differently: {label!r}: {where}")
    return problems


def fill(po_path: Path, json_path: Path) -> None:
    import json

    from babel.messages.pofile import read_po, write_po

    translations = json.loads(json_path.read_text(encoding="utf-8"))
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale=LANGUAGE)
    for message in catalog:
        if not message.id:
            continue
        msgid = message.id[0] if isinstance(message.id, tuple | list) else message.id
        # A message with a context is looked up as "context\u0004msgid" (gettext's own key) first.
        key = f"{message.context}\x04{msgid}" if message.context else msgid
        if key not in translations and msgid not in translations:
            continue
        value = translations.get(key, translations.get(msgid))
        if isinstance(message.id, tuple | list):
            message.string = tuple(value) if isinstance(value, list) else (value,)
        else:
            message.string = value
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
