"""The outbox's move to the core keeps its table and every row: messages written before the
migration keep their status, get their point from their ticket, and a pending one is sent once
by the new task."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from servicedesk.models import Notification, NotificationKind, NotificationStatus, Role
from servicedesk.outbox import notifications_send
from tests.opening import open_ticket

#: Before the move: the outbox still belongs to repairs.
BEFORE = [
    ("servicedesk", "0016_complaint_first_reply_hours"),
    ("repairs", "0015_merge_duplicate_customers"),
]


def migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets or executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_messages_written_before_the_move_keep_their_rows_and_get_their_point(point, staff_of):
    ticket = open_ticket(point, staff_of(Role.FRONT_DESK).user)
    migrate(BEFORE)
    try:
        with connection.cursor() as cursor:
            for status, attempts in (("pending", 0), ("sent", 1)):
                cursor.execute(
                    'INSERT INTO repairs_notification (channel, "to", text, status, attempts,'
                    " last_error, created_at, ticket_id) VALUES"
                    " ('sms', %s, %s, %s, %s, '', %s, %s)",
                    [
                        ticket.contact_phone,
                        f"您的手机已修好 {status}",
                        status,
                        attempts,
                        timezone.now(),
                        ticket.pk,
                    ],
                )
    finally:
        migrate(None)

    rows = {n.status: n for n in Notification.objects.all()}
    assert set(rows) == {NotificationStatus.PENDING, NotificationStatus.SENT}
    for row in rows.values():
        assert row.point_id == point.pk
        assert row.ticket_id == ticket.pk
        assert row.kind == NotificationKind.CUSTOMER_REPAIR
    assert notifications_send() == 1
    assert notifications_send() == 0
    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}
    assert [n.pk for n in ticket.notifications.all()] == sorted(n.pk for n in rows.values())
