"""The documented backup and restore procedure works: a dump restored into a fresh database has
every ticket (and the restored schema is the current one)."""

import subprocess
import uuid
from pathlib import Path

import psycopg2
import pytest
from django.db import connection

from repairs.models import RepairTicket
from tests.followups.conftest import handed_over_ticket
from tests.integration.conftest import database_url

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

    fresh = f"restore_test_{uuid.uuid4().hex[:8]}"
    admin = psycopg2.connect(source.rsplit("/", 1)[0] + "/postgres")
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
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
