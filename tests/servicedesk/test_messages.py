"""The translation check of scripts/messages.py: what CI refuses in the catalogues."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("messages_script", ROOT / "scripts" / "messages.py")
messages = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(messages)

HEADER = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'


def _po(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / name / "django.po"
    path.parent.mkdir()
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_one_text_translated_differently_in_two_catalogues_is_refused(tmp_path, capsys):
    # Django merges the catalogues and the first one wins: the complaint's "received at" once
    # showed the repair payment's 收款时间.
    first = _po(tmp_path, "repairs", 'msgid "received at"\nmsgstr "收款时间"\n')
    second = _po(tmp_path, "complaints", 'msgid "received at"\nmsgstr "受理时间"\n')
    assert messages.check([first, second]) == 1
    assert "translated differently: 'received at'" in capsys.readouterr().out


def test_a_context_keeps_two_meanings_apart(tmp_path):
    first = _po(tmp_path, "repairs", 'msgid "received at"\nmsgstr "收款时间"\n')
    second = _po(
        tmp_path, "complaints", 'msgctxt "complaint"\nmsgid "received at"\nmsgstr "受理时间"\n'
    )
    assert messages.check([first, second]) == 0


def test_an_untranslated_entry_is_refused(tmp_path, capsys):
    path = _po(tmp_path, "intake", 'msgid "Save"\nmsgstr ""\n')
    assert messages.check([path]) == 1
    assert "untranslated: 'Save'" in capsys.readouterr().out


def test_the_projects_catalogues_pass():
    assert messages.check() == 0
