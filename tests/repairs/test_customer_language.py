"""Messages to customers are in the point's language whatever the staff member's screen uses."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from servicedesk.models import Notification, Role
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


def test_ready_sms_from_the_retest_screen_is_chinese_when_the_desk_screen_is_english(
    client, point, staff_of
):
    """Through the desk's own screen switched to English: the SMS stays in the point's language."""
    desk, supervisor = staff_of(Role.FRONT_DESK).user, staff_of(Role.SUPERVISOR).user
    ticket, body = tickets.ticket_ready_for("pass_qa", point=point, desk=desk, actor=supervisor)
    client.force_login(desk)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("repairs:ticket_detail", args=[ticket.pk]))
    assert page.context["LANGUAGE_CODE"] == "en"  # the desk really works in English
    response = client.post(reverse("repairs:ticket_action", args=[ticket.pk]), body)
    assert response.status_code == 302
    sms = Notification.objects.get(ticket=ticket, channel="sms")
    assert sms.text.startswith(f"【{point.name}】"), sms.text
    assert "取机" in sms.text and "ready for pickup" not in sms.text


def test_the_pickup_slip_prints_in_the_points_language_for_an_english_screen(
    client, point, staff_of
):
    desk, supervisor = staff_of(Role.FRONT_DESK).user, staff_of(Role.SUPERVISOR).user
    ticket, _body = tickets.ticket_ready_for("hand_over", point=point, desk=desk, actor=supervisor)
    client.force_login(desk)
    client.cookies["django_language"] = "en"
    response = client.get(reverse("repairs:ticket_print", args=[ticket.pk, "pickup-slip"]))
    page = response.content.decode()
    assert '<html lang="zh-hans">' in page
    assert "Pickup slip" not in page and "取机单" in page
