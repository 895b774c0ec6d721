"""Customers recorded twice under one phone at one point are merged into the oldest record
(step 1 of 2): the intake rows (devices, visits and calls, message slips) move to it now; the
other apps move theirs in their own migrations, which run before step 2 adds the constraint."""

from django.db import migrations

from intake.customer_duplicates import duplicate_map, logger, repoint


def merge_intake_rows(apps, schema_editor):
    customer = apps.get_model("intake", "Customer")
    mapping = duplicate_map(customer)
    if not mapping:
        return
    logger.warning(
        "%s duplicate customer record(s) found (same point and phone): %s",
        len(mapping),
        ", ".join(f"{duplicate}->{kept}" for duplicate, kept in sorted(mapping.items())),
    )
    for name in ("Device", "Visit", "MessageSlip"):
        repoint(apps.get_model("intake", name), mapping)


class Migration(migrations.Migration):
    dependencies = [("intake", "0010_device_history")]

    operations = [migrations.RunPython(merge_intake_rows, migrations.RunPython.noop)]
