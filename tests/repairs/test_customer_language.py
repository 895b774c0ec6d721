"""Messages to customers are in the point's language whatever the staff member's screen uses."""

from __future__ import annotations

import pytest
from django.utils import translation

from repairs.models import Notification
from servicedesk.models import Role
from tests import tickets

pytestmark = pytest.mark.django_db


def test_ready_sms_is_chinese_when_the_desk_users_language_is_english(point, staff_of):
    desk, supervisor = staff_of(Role.FRONT_DESK).user, staff_of(Role.SUPERVISOR).user
    with translation.override("en"):
        ticket, _body = tickets.ticket_ready_for(
            "hand_over", point=point, desk=desk, actor=supervisor
        )
    sms = Notification.objects.get(ticket=ticket, channel="sms")
    assert sms.text.startswith(f"【{point.name}】"), sms.text
    assert "取机" in sms.text and "ready for pickup" not in sms.text
