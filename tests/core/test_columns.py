"""Matching a file's columns to an import's known fields by their obvious names (core.columns)."""

from core.columns import KnownField, match_columns

FIELDS = [
    KnownField("post_id", ("post", "id"), required=True),
    KnownField("impressions", ("impr",), required=True),
    KnownField("clicks", ()),
]


def test_names_are_matched_without_case_spaces_or_underscores():
    match = match_columns(["Post ID", "IMPRESSIONS", "clicks"], FIELDS)
    assert match.mapping == {"post_id": "Post ID", "impressions": "IMPRESSIONS", "clicks": "clicks"}


def test_an_alias_fills_a_field_and_the_unknown_columns_are_ignored():
    match = match_columns(["id", "impr", "owner"], FIELDS)
    assert match.mapping["post_id"] == "id" and match.mapping["impressions"] == "impr"
    assert match.ignored == ["owner"] and match.missing == []


def test_a_required_field_without_a_column_is_missing():
    assert match_columns(["post_id"], FIELDS).missing == ["impressions"]


def test_the_field_name_wins_over_an_alias_and_a_column_fills_one_field():
    match = match_columns(["id", "post_id", "impr"], FIELDS)
    assert match.mapping["post_id"] == "post_id" and match.ignored == ["id"]


def test_a_chosen_column_wins_and_is_not_guessed_for_another_field():
    match = match_columns(["a", "impr", "clicks"], FIELDS, chosen={"post_id": "a", "clicks": ""})
    assert match.mapping == {"post_id": "a", "impressions": "impr", "clicks": ""}
    assert match.ignored == ["clicks"]


def test_renaming_keeps_an_ignored_column_from_posing_as_a_field():
    match = match_columns(["impr", "Impressions", "post_id"], FIELDS, chosen={"impressions": "impr"})
    assert match.renamed(["impr", "Impressions", "post_id"]) == [
        "impressions",
        "ignored:Impressions",
        "post_id",
    ]
