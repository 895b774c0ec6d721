"""A refused action is an expected answer: one log line, never a traceback. A role check
(``PermissionDenied``) gives the 403 page; a refused move (``TransitionRefused``) goes back with
its reason as a message."""

import datetime as dt
import logging
from decimal import Decimal

import pytest
from django.urls import reverse

from counter.models import CashUp, CashUpStatus
from servicedesk.models import Role

pytestmark = pytest.mark.django_db


def _lines(caplog):
    return [r for r in caplog.records if r.name.startswith(("django", "servicedesk"))]


@pytest.mark.reliability(
    "A role opens a page of another role",
    "refused with the 403 page and one log line at WARNING, no traceback",
)
def test_a_role_check_refusal_is_one_log_line_without_a_traceback(client, staff_of, caplog):
    client.force_login(staff_of(Role.FRONT_DESK).user)
    with caplog.at_level(logging.INFO):
        response = client.get(reverse("reporting:claim"))
    assert response.status_code == 403
    lines = _lines(caplog)
    assert len(lines) == 1
    assert lines[0].levelno == logging.WARNING and lines[0].exc_info is None
    assert "Refused by role" in lines[0].getMessage()


def test_a_refused_transition_is_one_log_line_without_a_traceback(client, point, staff_of, caplog):
    desk, supervisor = staff_of(Role.FRONT_DESK).user, staff_of(Role.SUPERVISOR).user
    cash_up = CashUp.objects.create(
        point=point,
        user=desk,
        day=dt.date(2026, 10, 12),
        status=CashUpStatus.CONFIRMED,
        expected_cash=Decimal("0.00"),
        counted_cash=Decimal("0.00"),
    )
    client.force_login(supervisor)
    with caplog.at_level(logging.INFO):
        response = client.post(
            reverse("repairs:cash_up_confirm", args=[cash_up.pk]), {"version": cash_up.version}
        )
    assert response.status_code == 302
    lines = _lines(caplog)
    assert len(lines) == 1
    assert lines[0].exc_info is None and "TransitionRefused" in lines[0].getMessage()
