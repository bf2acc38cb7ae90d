from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("content", "0006_winner_policy_practical_lift_and_split_floor"),
    ]

    operations = [
        migrations.AddField(
            model_name="winnerpolicy",
            name="steers_traffic",
            field=models.BooleanField(
                default=False,
                help_text=(
                    "Tick when your team shares traffic by the recommended split: the impressions are then not "
                    "meant to split equally, so the sample-ratio check is skipped."
                ),
            ),
        ),
    ]
