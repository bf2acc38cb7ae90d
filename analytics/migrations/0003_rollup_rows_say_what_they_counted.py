from django.db import migrations, models


def forget_rollups(apps, schema_editor):
    # Rows without their cutoff and version cannot be trusted: the next refresh recounts.
    apps.get_model("analytics", "DailyRollup").objects.all().delete()
    apps.get_model("analytics", "RollupState").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0002_rollup_state_cutoff_instant"),
    ]

    operations = [
        migrations.RunPython(forget_rollups, migrations.RunPython.noop),
        migrations.AddField(
            model_name="dailyrollup",
            name="counted_until",
            field=models.DateTimeField(default="2000-01-01T00:00:00Z"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="dailyrollup",
            name="version",
            field=models.CharField(
                default="", help_text="Hash of the time zone and definition counted with.", max_length=16
            ),
            preserve_default=False,
        ),
    ]
