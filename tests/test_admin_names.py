"""Every model's plural name reads as English in the admin ("winner policies", not "winner policys")."""

import re

import pytest
from django.apps import apps

# Nouns with no plural: "lead feedbacks" is as wrong as "winning copys".
UNCOUNTABLE = ("feedback", "data", "information", "settings", "metadata")


def _wrong_plural(plural: str) -> str | None:
    last = plural.split()[-1]
    if re.search(r"[^aeiou]ys$", last):
        return "a consonant + y takes -ies"
    if re.search(r"(ch|sh|x|ss|z)s$", last):
        return "-ch, -sh, -x, -ss and -z take -es"
    if last.endswith("ss") and last[:-2] + "s" == last[:-1]:
        return "doubled s"
    if any(last == word + "s" or last == word + "es" for word in UNCOUNTABLE):
        return "an uncountable noun takes no -s"
    return None


@pytest.mark.parametrize("model", apps.get_models(), ids=lambda m: f"{m._meta.app_label}.{m.__name__}")
def test_model_plural_name_is_english(model):
    plural = str(model._meta.verbose_name_plural)
    assert _wrong_plural(plural) is None, f"{model.__name__}: {plural!r} ({_wrong_plural(plural)})"


@pytest.mark.parametrize(
    "plural", ["winner policys", "winning copys", "rollup touchs", "lead feedbacks", "shared cache entrys"]
)
def test_the_check_catches_the_plurals_that_were_wrong(plural):
    assert _wrong_plural(plural) is not None


@pytest.mark.django_db
def test_admin_index_lists_the_corrected_plurals(client, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.com", "pw-root-123456")
    client.force_login(admin)
    body = client.get("/admin/").content.decode()
    assert "Winner policies" in body and "Winning copies" in body
    assert "policys" not in body and "copys" not in body
