"""The points' parts stock after the generated history (rules#parts), in proportion to what each
point used: one ``PartStock`` row per part, holding what open tickets reserved plus a free
quantity of a few weeks' use (some parts below their reorder level, as in life)."""

from __future__ import annotations

import datetime as dt

from django.db import connection

#: The use counted for the stock and the reorder level: the last 90 days.
USE_DAYS = 90


def stock_from_consumption(*, now: dt.datetime) -> int:
    """Insert the stock rows (idempotent: existing rows are kept). Returns how many were new."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO repairs_partstock
                (point_id, part_id, on_hand, reserved, defective, reorder_level)
            SELECT p.point_id, p.id,
                   COALESCE(r.held, 0) + COALESCE(u.used, 0) * (p.id %% 7) / 12,
                   COALESCE(r.held, 0),
                   COALESCE(u.used, 0) / 200,
                   GREATEST(1, COALESCE(u.used, 0) / 6)
            FROM repairs_part p
            LEFT JOIN (
                SELECT part_id, SUM(reserved) AS held FROM repairs_partline
                WHERE consumed = 0 AND part_id IS NOT NULL GROUP BY part_id
            ) r ON r.part_id = p.id
            LEFT JOIN (
                SELECT part_id, -SUM(quantity) AS used FROM repairs_stockmovement
                WHERE kind = 'consume' AND at >= %s GROUP BY part_id
            ) u ON u.part_id = p.id
            ON CONFLICT (part_id) DO NOTHING
            """,
            [now - dt.timedelta(days=USE_DAYS)],
        )
        return cursor.rowcount
