# The inbox's index (models.Item.Meta.indexes): item_due widened to every column the inbox's walk
# reads, built without blocking writes (langnghe.core.migration_ops) before the narrow one is
# dropped, so the inbox is never without an index in order.

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
        migrations.RemoveIndex(model_name="item", name="item_due"),
    ]
