"""The audit log is append-only in the database too: on PostgreSQL a trigger refuses UPDATE and
DELETE on its rows, so not even a raw query or the admin can rewrite history."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION servicedesk_auditlog_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'the audit log is append-only';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS servicedesk_auditlog_append_only ON servicedesk_auditlog;
CREATE TRIGGER servicedesk_auditlog_append_only
  BEFORE UPDATE OR DELETE ON servicedesk_auditlog
  FOR EACH ROW EXECUTE FUNCTION servicedesk_auditlog_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS servicedesk_auditlog_append_only ON servicedesk_auditlog;
DROP FUNCTION IF EXISTS servicedesk_auditlog_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("servicedesk", "0004_export_jobs")]
    operations = [migrations.RunPython(forwards, backwards)]
