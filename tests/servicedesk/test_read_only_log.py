"""A refused read-only POST is an expected answer: the 403 page and one log line, no traceback."""

import logging

import pytest
from django.urls import reverse

from servicedesk.models import Role
from tests.factories import make_staff

pytestmark = pytest.mark.django_db


@pytest.mark.reliability(
    "Regional center (read-only) tries to change data",
    "refused POST logged as one line at WARNING, no traceback",
)
def test_a_refused_read_only_post_is_one_log_line(client, point, caplog):
    regional = make_staff(Role.REGIONAL_CENTER, region=point.region)
    client.force_login(regional.user)
    with caplog.at_level(logging.INFO):
        response = client.post(reverse("intake:customer_create"), {"name": "x"})
    assert response.status_code == 403
    refused = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(refused) == 1
    assert refused[0].exc_info is None and "Read-only role refused" in refused[0].getMessage()
