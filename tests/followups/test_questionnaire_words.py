"""The questionnaire's rating answers carry their words, as the clerk reads them out."""

from django.utils import translation

from followups.forms import RATING_CHOICES


def test_each_rating_answer_is_its_number_with_its_words():
    with translation.override("zh-hans"):
        shown = [str(label) for _value, label in RATING_CHOICES]
    assert shown == ["—", "5 非常满意", "4 满意", "3 一般", "2 不满意", "1 非常不满意"]
    assert [value for value, _label in RATING_CHOICES] == ["", "5", "4", "3", "2", "1"]
