# The inbox's index (models.Item.Meta.indexes): item_due widened to every column the inbox's walk
# reads, built without blocking writes (langnghe.core.migration_ops). The narrow one is dropped by
# the next migration, so the inbox is never without an index in order, and a failed drop does not
# make `migrate` build this one twice.

from django.db import migrations, models

from langnghe.core.migration_ops import AddIndexConcurrently


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("intake", "0006_item_open_units_pattern_ops"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="item",
            index=models.Index(
                fields=[
                    "is_open",
                    "due_on",
                    "handling_path",
                    "kind",
                    "receiving_org",
                    "concerned_person",
                    "concerned_org",
                    "received_at",
                    "id",
                ],
                name="item_open_due",
            ),
        ),
    ]
