"""The counter money's move to its own app keeps its tables and every row: a money entry and a
cash-up written before the migration are read by the new models, and the content types (with
the permissions given on them) stay the same rows."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from counter.models import CashUp, MoneyEntry, MoneyKind, PaymentMethod
from counter.services import held
from servicedesk.models import Role
from tests.opening import open_ticket

#: Before the move: the counter money still belongs to repairs.
BEFORE = [("repairs", "0018_parts_to_their_app"), ("counter", None)]


def migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets or executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_money_written_before_the_move_is_read_by_the_counter_app(point, staff_of):
    desk = staff_of(Role.FRONT_DESK).user
    ticket = open_ticket(point, desk)
    content_type = ContentType.objects.get_for_model(MoneyEntry)
    migrate(BEFORE)
    now = timezone.now()  # a parameter, not SQL's now(): the test runs on SQLite too
    try:
        assert ContentType.objects.get(pk=content_type.pk).app_label == "repairs"
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO repairs_paymentmethod (code, name, is_cash, needs_reference,"
                " is_active, position) VALUES ('moved', '现金', true, false, true, 0)"
                " RETURNING id"
            )
            (method_id,) = cursor.fetchone()
            cursor.execute(
                "INSERT INTO repairs_cashup (day, status, totals, expected_cash, counted_cash,"
                " note, submitted_at, version, point_id, user_id) VALUES"
                " ('2026-12-01', 'submitted', '{}', 50.00, 50.00, '', %s, 0, %s, %s)"
                " RETURNING id",
                [now, point.pk, desk.pk],
            )
            (cash_up_id,) = cursor.fetchone()
            cursor.execute(
                "INSERT INTO repairs_moneyentry (kind, amount, change, reference, reason, at,"
                " by_id, method_id, ticket_id, cash_up_id) VALUES"
                " ('deposit', 50.00, 0, '', '', %s, %s, %s, %s, %s)",
                [now, desk.pk, method_id, ticket.pk, cash_up_id],
            )
    finally:
        migrate(None)

    entry = MoneyEntry.objects.get(ticket=ticket)
    assert (entry.kind, entry.amount, entry.method_id) == (
        MoneyKind.DEPOSIT,
        Decimal("50.00"),
        method_id,
    )
    assert PaymentMethod.objects.get(pk=method_id).is_cash
    assert list(CashUp.objects.get(pk=cash_up_id).entries.all()) == [entry]
    assert held(ticket) == Decimal("50.00")
    assert ContentType.objects.get(pk=content_type.pk).app_label == "counter"
