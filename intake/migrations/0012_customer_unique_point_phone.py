"""Customers recorded twice under one phone at one point are merged into the oldest record
(step 2 of 2): every app has moved its rows (intake 0011 and each app's own migration, which run
before this one); the kept record takes what the duplicate knew, the duplicate is deleted, and
the (point, phone) constraint is added."""

from django.db import migrations, models

from intake.customer_duplicates import duplicate_map, logger, merged_fields


def merge_customers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # Foreign keys are checked at once, so that the constraint below can be added in the
        # same transaction (and a row some app did not move stops the migration here).
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    customer = apps.get_model("intake", "Customer")
    for duplicate_id, kept_id in sorted(duplicate_map(customer).items()):
        kept = customer.objects.get(pk=kept_id)
        duplicate = customer.objects.get(pk=duplicate_id)
        changes = merged_fields(kept, duplicate)
        if changes:
            customer.objects.filter(pk=kept_id).update(**changes)
        duplicate.delete()
        logger.warning(
            "customer %s (point %s) merged into %s; kept record took: %s",
            duplicate_id,
            kept.point_id,
            kept_id,
            ", ".join(sorted(changes)) or "nothing",
        )


class Migration(migrations.Migration):
    dependencies = [("intake", "0011_merge_duplicate_customers")]

    operations = [
        migrations.RunPython(merge_customers, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="customer",
            constraint=models.UniqueConstraint(
                condition=models.Q(("phone", ""), _negated=True),
                fields=("point", "phone"),
                name="customer_unique_point_phone",
            ),
        ),
    ]
