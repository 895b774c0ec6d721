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


#: rules#parts (旧件返还): one part in three on the generated price lists goes back to the brand.
MUST_RETURN_EVERY = 3


def returns_from_consumption(*, now: dt.datetime) -> tuple[int, int]:
    """The defective parts the generated warranty repairs took out (one row per piece of a part
    the brand wants back), gathered into one return batch per point and month before the
    current one: received two months back and older, shipped last month; this month's pieces
    wait for the next batch. Set-based SQL, so it stays fast at a million tickets. Returns
    (pieces, batches) written; tickets that already have pieces are left alone."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE repairs_part SET must_return = true WHERE id %% %s = 0 AND NOT must_return",
            [MUST_RETURN_EVERY],
        )
        cursor.execute(
            """
            INSERT INTO repairs_defectivepart (point_id, part_id, ticket_id, at)
            SELECT t.point_id, l.part_id, t.id, COALESCE(t.ready_at, t.handed_over_at, t.created_at)
            FROM repairs_partline l
            JOIN repairs_part p ON p.id = l.part_id AND p.must_return
            JOIN repairs_repairticket t ON t.id = l.ticket_id
            CROSS JOIN LATERAL generate_series(1, l.consumed) AS piece
            WHERE l.consumed > 0 AND t.warranty_status <> 'out_of_warranty'
              AND NOT EXISTS (SELECT 1 FROM repairs_defectivepart d WHERE d.ticket_id = t.id)
            """
        )
        pieces = cursor.rowcount
        this_month = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        cursor.execute(
            """
            WITH months AS (
                SELECT d.point_id, date_trunc('month', d.at) AS month
                FROM repairs_defectivepart d
                WHERE d.batch_id IS NULL AND d.at < %(this_month)s
                GROUP BY d.point_id, date_trunc('month', d.at)
            ), numbered AS (
                SELECT m.point_id, m.month,
                       COALESCE((SELECT MAX(sequence) FROM repairs_returnbatch b
                                 WHERE b.point_id = m.point_id), 0)
                       + row_number() OVER (PARTITION BY m.point_id ORDER BY m.month) AS seq,
                       m.month + interval '1 month 2 days' AS made,
                       m.month < %(this_month)s - interval '1 month' AS received,
                       (SELECT MIN(s.user_id) FROM servicedesk_staffprofile s
                        WHERE s.point_id = m.point_id) AS maker,
                       (SELECT MIN(s.user_id) FROM servicedesk_staffprofile s
                        WHERE s.role = 'regional_center' AND s.region_id = sp.region_id) AS center,
                       sp.code
                FROM months m JOIN servicedesk_servicepoint sp ON sp.id = m.point_id
            )
            INSERT INTO repairs_returnbatch
                (point_id, number, sequence, status, created_by_id, created_at, packed_by_id,
                 packed_at, carrier, tracking_number, shipped_by_id, shipped_at, received_by_id,
                 received_at)
            SELECT point_id, code || '-R' || lpad(seq::text, 4, '0'), seq,
                   CASE WHEN received AND center IS NOT NULL THEN 'received' ELSE 'shipped' END,
                   maker, made, maker, made, '顺丰速运',
                   'SF' || lpad((point_id * 10000 + seq)::text, 12, '0'), maker,
                   made + interval '1 day',
                   CASE WHEN received THEN center END,
                   CASE WHEN received AND center IS NOT NULL THEN made + interval '6 days' END
            FROM numbered WHERE maker IS NOT NULL
            """,
            {"this_month": this_month},
        )
        batches = cursor.rowcount
        cursor.execute(
            """
            UPDATE repairs_defectivepart d SET batch_id = b.id
            FROM repairs_returnbatch b
            WHERE d.batch_id IS NULL AND b.point_id = d.point_id
              AND date_trunc('month', d.at) = b.created_at - interval '1 month 2 days'
            """
        )
        # The pieces still at the point are part of its defective stock.
        cursor.execute(
            """
            UPDATE repairs_partstock s SET defective = s.defective + w.waiting
            FROM (SELECT part_id, COUNT(*) AS waiting FROM repairs_defectivepart
                  WHERE batch_id IS NULL GROUP BY part_id) w
            WHERE w.part_id = s.part_id
            """
        )
    return pieces, batches
