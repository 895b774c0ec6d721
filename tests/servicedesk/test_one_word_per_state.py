"""One word per state everywhere: the technician's home card, the list's status and the
pickup page's hint name the quality check alike (质检), never 复检."""

from django.utils import translation
from django.utils.translation import gettext

from repairs.models import TicketStatus


def test_the_quality_check_has_one_word_on_every_screen():
    with translation.override("zh-hans"):
        status = str(TicketStatus.QUALITY_CHECK.label)
        words = [
            gettext("Retests to do"),
            gettext("No retest waits. Repaired devices appear here for the retest before pickup."),
            gettext(
                "Nothing is ready for pickup. Repaired devices that passed the retest appear here."
            ),
            gettext("retest failed"),
            gettext("Retest passed"),
        ]
    assert "质检" in status
    assert all("复检" not in w for w in words)
    assert words[0] == "待质检"
