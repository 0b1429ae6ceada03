# The covering index of the open counts, rebuilt with the pattern operator class for the path on
# PostgreSQL (models.Item.Meta.indexes), without blocking writes (langnghe.core.migration_ops).
# SQLite ignores operator classes: there the same index is rebuilt.

from django.db import migrations, models

from langnghe.core.migration_ops import AddIndexConcurrently


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("intake", "0005_item_open_units"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="item", name="item_open_units"),
        AddIndexConcurrently(
            model_name="item",
            index=models.Index(
                fields=["is_open", "handling_path", "handling_org", "due_on"],
                name="item_open_units",
                opclasses=["bool_ops", "varchar_pattern_ops", "int8_ops", "date_ops"],
            ),
        ),
    ]
