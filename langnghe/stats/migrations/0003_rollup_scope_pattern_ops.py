# The rollup's scope index, rebuilt with the pattern operator class for the path on PostgreSQL
# (models.ItemMonthly.Meta.indexes), so that a dashboard's subtree (a path prefix) is a range of
# it; without, PostgreSQL read every row of the dimension in the period and filtered the paths
# (10 ms instead of 5 for a dimension of a leader's dashboard at 1,000,000 items). The rollup is
# small (one row per unit, dimension value and month), but neither the drop nor the build blocks
# the dashboards or the worker's rebuild (langnghe.core.migration_ops). SQLite ignores operator
# classes: there the same index is rebuilt.

from django.db import migrations, models

from langnghe.core.migration_ops import AddIndexConcurrently, RemoveIndexConcurrently


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("stats", "0002_answered_with_limit"),
    ]

    operations = [
        RemoveIndexConcurrently(model_name="itemmonthly", name="stats_rollup_scope"),
        AddIndexConcurrently(
            model_name="itemmonthly",
            index=models.Index(
                fields=["dim", "unit_path", "month"],
                name="stats_rollup_scope",
                opclasses=["varchar_ops", "varchar_pattern_ops", "date_ops"],
            ),
        ),
    ]
