"""The documented backup and restore procedure works: a dump restored into a fresh database has
every ticket (and the restored schema is the current one)."""

import subprocess
from pathlib import Path

import psycopg2
import pytest
from django.db import connection

from repairs.models import RepairTicket
from tests.followups.conftest import handed_over_ticket
from tests.integration.conftest import database_url, scratch_database_name

pytestmark = [pytest.mark.services]
ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.reliability(
    "Database lost",
    "scripts/backup while running, scripts/restore into a fresh database: every ticket there",
)
def test_backup_restores_every_ticket_into_a_fresh_database(transactional_db, point, tmp_path):
    tickets = {handed_over_ticket(point).number for _ in range(25)}
    source = database_url()
    backup = subprocess.run(
        [str(ROOT / "scripts" / "backup"), str(tmp_path / "test.dump")],
        env={"PATH": "/usr/bin:/bin", "DATABASE_URL": source},
        capture_output=True,
        text=True,
        check=True,
    )
    dump = Path(backup.stdout.strip())
    assert dump.exists() and dump.stat().st_size > 0

    # Named after this run's test database: a parallel run on the same server has its own.
    fresh = scratch_database_name("restore")
    admin = psycopg2.connect(source.rsplit("/", 1)[0] + "/postgres")
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            # A run killed before its clean-up left it behind: it is ours to replace.
            cursor.execute(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{fresh}"')
        target = source.rsplit("/", 1)[0] + f"/{fresh}"
        subprocess.run(
            [str(ROOT / "scripts" / "restore"), str(dump)],
            env={"PATH": "/usr/bin:/bin", "DATABASE_URL": target},
            capture_output=True,
            text=True,
            check=True,
        )
        with psycopg2.connect(target) as restored, restored.cursor() as cursor:
            cursor.execute(f"SELECT number FROM {RepairTicket._meta.db_table}")  # noqa: S608
            assert {row[0] for row in cursor.fetchall()} == tickets
            cursor.execute("SELECT count(*) FROM django_migrations")
            restored_migrations = cursor.fetchone()[0]
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM django_migrations")
            assert cursor.fetchone()[0] == restored_migrations
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)')
        admin.close()


def test_a_scratch_database_is_named_after_this_runs_test_database(db):
    """Two runs on one server (each with its own test database, and xdist workers with their
    suffix) never create the same scratch database."""
    test_database = connection.settings_dict["NAME"]
    assert test_database.startswith("test_")
    assert scratch_database_name("restore") == f"{test_database}_restore"
    name = scratch_database_name("restore", base="test_" + "x" * 70 + "_gw3")
    assert len(name) == 63 and name.endswith("_restore")
