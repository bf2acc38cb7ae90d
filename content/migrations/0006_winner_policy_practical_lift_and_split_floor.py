import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("content", "0005_metric_import_replaced_rows"),
    ]

    operations = [
        migrations.AddField(
            model_name="winnerpolicy",
            name="practical_lift",
            field=models.FloatField(
                default=0.05,
                help_text=(
                    "A relative difference smaller than this does not matter to you (0.05 = +/-5%): when the "
                    "data show the variants are that close, the experiment is settled as no meaningful difference."
                ),
                validators=[
                    django.core.validators.MinValueValidator(0.001),
                    django.core.validators.MaxValueValidator(1.0),
                ],
            ),
        ),
        migrations.AddField(
            model_name="winnerpolicy",
            name="split_floor",
            field=models.FloatField(
                default=0.1,
                help_text="The smallest share of traffic the recommended split gives any variant (0.10 = 10%).",
                validators=[
                    django.core.validators.MinValueValidator(0.0),
                    django.core.validators.MaxValueValidator(0.5),
                ],
            ),
        ),
    ]
