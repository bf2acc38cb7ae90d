"""The sentence that says how the customer's stated priorities moved a candidate (pure)."""

from matching.ranking import stated_note

STATED = {"price": 5.0, "quality": 1.0, "speed": float("nan")}


def test_no_sentence_when_the_rank_did_not_move():
    assert stated_note(3, 3, {"price": 0.4, "quality": 0.1, "speed": 0.0}, STATED) == ""


def test_ranked_up_names_the_stated_priority_that_lifted_it():
    note = stated_note(2, 4, {"price": 0.6, "quality": -0.1, "speed": 0.0}, STATED)
    assert note == "Ranked up from 4 to 2 because you said price matters most (5/5)."


def test_two_reasons_and_the_words_for_a_low_importance():
    note = stated_note(
        1, 5, {"price": 0.3, "quality": 0.5, "speed": 0.0}, STATED, {"quality": "quality score"}
    )
    assert (
        note
        == "Ranked up from 5 to 1 because you said quality score matters little (1/5) and price matters most (5/5)."
    )


def test_ranked_down_when_others_rose_on_what_the_customer_said():
    note = stated_note(4, 1, {"price": 0.2, "quality": 0.1, "speed": 0.0}, STATED)
    assert note == "Ranked down from 1 to 4: others rose more on price, which you said matters most (5/5)."
