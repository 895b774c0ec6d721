"""Customers recorded twice under one phone at one point: this app's rows of each duplicate
move to the kept (oldest) record, before intake adds the (point, phone) constraint."""

from django.db import migrations

from intake.customer_duplicates import duplicate_map, repoint


def merge_rows(apps, schema_editor):
    mapping = duplicate_map(apps.get_model("intake", "Customer"))
    if mapping:
        repoint(apps.get_model("repairs", "RepairTicket"), mapping)


class Migration(migrations.Migration):
    dependencies = [
        ("repairs", "0014_ticket_states_returned_exchanged_waiting"),
        ("intake", "0011_merge_duplicate_customers"),
    ]
    run_before = [("intake", "0012_customer_unique_point_phone")]

    operations = [migrations.RunPython(merge_rows, migrations.RunPython.noop)]
