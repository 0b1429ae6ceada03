# item_due, replaced by item_open_due (0007), dropped without locking the readers of the item
# table out (langnghe.core.migration_ops).

from django.db import migrations

from langnghe.core.migration_ops import RemoveIndexConcurrently


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("intake", "0007_item_open_due"),
    ]

    operations = [
        RemoveIndexConcurrently(model_name="item", name="item_due"),
    ]
