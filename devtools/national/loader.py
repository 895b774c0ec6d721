"""Streams rows into PostgreSQL with COPY while the next rows are being generated.

The simulation runs in a producer thread and appends tab-separated lines to one ``Stream`` per
table; full buffers go through small queues to two connections (the command's own and a second
one, each loading half of the tables in one transaction), which send them with ``copy_expert``.
psycopg2 releases the GIL while it waits for the server, so Python generates while two
PostgreSQL backends parse, write and index.

Primary keys are assigned here, continuing after the largest id already in each table, and the
tables' id sequences are moved past the new rows at the end, so the application's own inserts
never collide with generated ones.
"""

from __future__ import annotations

import io
import queue
import threading
import time
from collections.abc import Callable

from django.db import connection, transaction

NULL = "\\N"
FLUSH_ROWS = 20_000


def _columns(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Columns written by COPY, per table (the generator fills them in this order).
COLUMNS: dict[str, tuple[str, ...]] = {
    "intake_customer": _columns(
        """
        id name phone alt_phone customer_type company is_vip special_attention_since
        has_complained notes created_at point_id
        """
    ),
    "intake_device": _columns(
        """
        id model_name imei serial_number purchase_date purchase_place created_at customer_id
        point_id
        """
    ),
    "intake_visit": _columns(
        """
        id channel purpose status contact_name contact_phone queue_number is_quick
        arrived_at served_at finished_at summary outcome caller_kind rings_to_answer
        answer_seconds transferred_to created_by_id customer_id point_id served_by_id
        department_id hold_count hold_seconds praised_staff_id form_token
        holds_checked_in_time
        """
    ),
    "intake_messageslip": _columns(
        """
        id caller_name company phone message best_time_to_call callback_due_at taken_at
        read_back_confirmed status called_back_at callback_note overdue_reminded_at
        addressee_id customer_id point_id taken_by_id visit_id
        """
    ),
    "repairs_repairticket": _columns(
        """
        id number sequence status version fault_description accessories condition
        proof_of_purchase purchase_date purchase_place water_damage drop_damage
        unauthorized_disassembly customer_waits contact_phone backup_warning_given
        estimated_ready_at warranty_status warranty_reason warranty_reason_text
        warranty_override_reason repeat_count exchange_entitled exchange_reason
        fault_confirmed repair_method labor_fee
        created_at updated_at ready_at handed_over_at created_by_id customer_id device_id
        point_id repeat_of_id technician_id visit_id warranty_overridden_by_id
        repair_type_id warranty_policy_id intake_token pickup_signature_png
        """
    ),
    "repairs_ticketevent": _columns("id at action from_status to_status note actor_id ticket_id"),
    "repairs_partline": _columns("id name quantity unit_price part_id ticket_id reserved consumed"),
    "repairs_stockmovement": _columns(
        "id kind quantity reason at by_id part_id point_id ticket_id"
    ),
    "repairs_quote": _columns(
        """
        id labor_fee labor_change_reason decision decided_at consent_kind signature_png
        verbal_called_at damage_acknowledged created_at ticket_id verbal_called_by_id
        """
    ),
    "repairs_payment": _columns(
        """
        id amount_due amount_received change_given invoice_number received_at received_by_id
        ticket_id invoice_title invoice_tax_number
        """
    ),
    "repairs_cashup": _columns(
        """
        id point_id user_id day status totals expected_cash counted_cash note submitted_at
        confirmed_by_id confirmed_at version
        """
    ),
    "repairs_moneyentry": _columns(
        """
        id ticket_id kind method_id amount change reference reason by_id approved_by_id at
        cash_up_id
        """
    ),
    "repairs_satisfactioncard": _columns("id rating comment declined at ticket_id"),
    "loaners_loaner": _columns(
        "id point_id model_name imei condition deposit_amount status notes created_at"
    ),
    "loaners_loan": _columns(
        """
        id point_id loaner_id customer_id ticket_id lent_at lent_by_id expected_back
        signature_png deposit_taken condition_on_lend returned_at returned_by_id
        condition_on_return return_note
        """
    ),
    "servicedesk_notification": _columns(
        """
        id channel to text status attempts last_error created_at sent_at ticket_id point_id
        kind
        """
    ),
    "followups_callbackdecision": _columns(
        """
        id selected reason sample_value sample_rate decided_at point_id ticket_id
        """
    ),
    "followups_callback": _columns(
        """
        id kind status reason window_start window_end due_at window_closes_at queued_at
        overdue_since unreachable_attempts attempts outcome dissatisfaction_reason
        suggestion completed_at duration_seconds moved_reason version created_at customer_id
        handled_by_id point_id ticket_id
        """
    ),
    "followups_callbackattempt": _columns("id at outcome note duration_seconds by_id callback_id"),
    "followups_answer": _columns("id rating yes_no text callback_id question_id"),
    "complaints_complaint": _columns(
        """
        id channel source severity stage summary restatement customer_confirmed options
        chosen_option resolution promised_reply_at overdue_since escalated_at
        supervisor_decision callback_due_on created_at resolved_at closed_at version
        customer_id escalated_to_id owner_id point_id ticket_id visit_id category_id
        difficult_type_id callback_id
        """
    ),
    "complaints_complaintcontact": _columns("id at kind note promised_reply_at by_id complaint_id"),
    "complaints_compensationoffer": _columns(
        """
        id amount description status needs_role decided_at created_at decided_by_id
        offered_by_id complaint_id
        """
    ),
    "servicedesk_auditlog": _columns(
        """
        id at action object_type object_id summary detail ip_address actor_id point_id
        """
    ),
}


def flag(value: bool) -> str:
    return "t" if value else "f"


def money(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def opt(value) -> str:
    return NULL if value is None else str(value)


def escape(text: str) -> str:
    """COPY text format: backslash, tab, newline and carriage return must be escaped (only
    needed for text not taken from ``vocab``, e.g. JSON)."""
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


class Stream:
    """Rows of one table: ids, buffered lines, counts."""

    __slots__ = ("first_id", "last_id", "lines", "loader", "rows", "sql", "table")

    def __init__(self, loader: Loader, table: str, last_id: int):
        columns = ", ".join(f'"{c}"' for c in COLUMNS[table])
        self.table = table
        self.sql = f"COPY {table} ({columns}) FROM STDIN"
        self.lines: list[str] = []
        self.first_id = last_id + 1
        self.last_id = last_id
        self.rows = 0
        self.loader = loader

    def next_id(self) -> int:
        self.last_id += 1
        return self.last_id

    def add(self, *values: str) -> None:
        self.lines.append("\t".join(values))
        if len(self.lines) >= FLUSH_ROWS:
            self.flush()

    def flush(self) -> None:
        if self.lines:
            self.rows += len(self.lines)
            data = ("\n".join(self.lines) + "\n").encode()
            self.lines = []
            self.loader.send(self.table, self.sql, data)


class Cancelled(Exception):
    pass


class _Rollback(Exception):
    pass


#: Tables sent over a second connection; the rest go over the command's own. Each half costs
#: PostgreSQL about the same, so two backends parse, write and index in parallel.
SECOND_LANE = frozenset(
    {
        "intake_visit",
        "intake_messageslip",
        "followups_callbackdecision",
        "followups_callback",
        "followups_callbackattempt",
        "followups_answer",
        "complaints_complaint",
        "complaints_complaintcontact",
        "complaints_compensationoffer",
        "servicedesk_auditlog",
    }
)


class Lane:
    """One connection's queue of COPY chunks."""

    def __init__(self, cancelled: threading.Event):
        self.queue: queue.Queue = queue.Queue(maxsize=6)
        self.cancelled = cancelled
        self.copy_seconds: dict[str, float] = {}
        self.wait_seconds = 0.0

    def put(self, item) -> None:
        while True:
            if self.cancelled.is_set():
                raise Cancelled
            try:
                self.queue.put(item, timeout=0.5)
                return
            except queue.Full:
                continue

    def consume(self, cursor) -> None:
        while True:
            waited = time.monotonic()
            while True:
                if self.cancelled.is_set():
                    raise Cancelled
                try:
                    item = self.queue.get(timeout=0.5)
                    break
                except queue.Empty:
                    continue
            self.wait_seconds += time.monotonic() - waited
            if item is None:
                return
            if isinstance(item, BaseException):
                raise item
            table, sql, data = item
            began = time.monotonic()
            cursor.copy_expert(sql, io.BytesIO(data), 1 << 20)
            self.copy_seconds[table] = self.copy_seconds.get(table, 0.0) + time.monotonic() - began


class Loader:
    """``loader[table]`` is the producer's stream of a table; ``run(produce, prepare)`` runs the
    producer and both connections' COPY; ``finish(commit=…)`` ends the second connection's
    transaction (the command's own is the caller's)."""

    def __init__(self, *, parallel: bool = True):
        self.parallel = parallel
        self.cancelled = threading.Event()
        self.lanes = (Lane(self.cancelled), Lane(self.cancelled))
        self.loaded = threading.Event()
        self.decided = threading.Event()
        self.commit = False
        self.second_error: BaseException | None = None
        self.second: threading.Thread | None = None
        with connection.cursor() as cursor:
            self.streams = {}
            for table in COLUMNS:
                cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608
                self.streams[table] = Stream(self, table, cursor.fetchone()[0])

    def __getitem__(self, table: str) -> Stream:
        return self.streams[table]

    # --- producer side -------------------------------------------------------------------
    def send(self, table: str, sql: str, data: bytes) -> None:
        self.lanes[self.parallel and table in SECOND_LANE].put((table, sql, data))

    def _produce(self, produce: Callable[[Loader], None]) -> None:
        try:
            produce(self)
            for stream in self.streams.values():
                stream.flush()
            for lane in self.lanes[: 1 + self.parallel]:
                lane.put(None)
        except Cancelled:
            pass
        except BaseException as exc:  # handed to the consumers, which re-raise it
            for lane in self.lanes:
                lane.queue.put(exc)

    # --- consumer side -------------------------------------------------------------------
    def _second_lane(self, prepare: Callable) -> None:
        """The second connection (this thread's own): one transaction, committed or rolled
        back when the command says so."""
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    prepare(cursor)
                    self.lanes[1].consume(cursor)
                self.loaded.set()
                self.decided.wait()
                if not self.commit:
                    raise _Rollback
        except _Rollback:
            pass
        except BaseException as exc:
            self.second_error = exc
            self.cancelled.set()
        finally:
            self.loaded.set()
            connection.close()

    def run(self, produce: Callable[[Loader], None], prepare: Callable) -> None:
        """Load everything; ``prepare(cursor)`` readies the second connection."""
        producer = threading.Thread(target=self._produce, args=(produce,), name="national")
        if self.parallel:
            self.second = threading.Thread(
                target=self._second_lane, args=(prepare,), name="national-copy"
            )
            self.second.start()
        else:
            self.lanes[1].queue.put(None)
            self.loaded.set()
        producer.start()
        try:
            with connection.cursor() as cursor:
                self.lanes[0].consume(cursor)
            self.loaded.wait()
            if self.second_error is not None:
                raise self.second_error
        except Cancelled:
            # The second connection failed first: its error is the one to report.
            self.loaded.wait()
            raise self.second_error or RuntimeError("loading was cancelled") from None
        except BaseException:
            self.cancelled.set()
            raise
        finally:
            producer.join()

    def finish(self, *, commit: bool) -> None:
        """Commit (or roll back) the second connection's rows; the caller then ends its own
        transaction. Called on every path after ``run``."""
        self.commit = commit
        self.decided.set()
        if self.second is not None:
            self.second.join()
        if commit and self.second_error is not None:
            raise self.second_error

    # --- figures -------------------------------------------------------------------------
    def counts(self) -> dict[str, int]:
        return {table: stream.rows for table, stream in self.streams.items()}

    def copy_seconds(self) -> dict[str, float]:
        return {**self.lanes[0].copy_seconds, **self.lanes[1].copy_seconds}

    def wait_seconds(self) -> tuple[float, float]:
        return self.lanes[0].wait_seconds, self.lanes[1].wait_seconds

    def reset_sequences(self) -> None:
        """Move each id sequence past the generated rows."""
        with connection.cursor() as cursor:
            for table, stream in self.streams.items():
                if stream.rows:
                    cursor.execute(
                        "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)",
                        [table, stream.last_id],
                    )


def check_foreign_keys(tables: list[str]) -> list[str]:
    """Every foreign key of ``tables`` points at an existing row (the load runs with the
    row-by-row checks off; this checks the same in one anti-join per key)."""
    problems = []
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.conrelid::regclass::text, a.attname, c.confrelid::regclass::text, fa.attname
            FROM pg_constraint c
            JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
            JOIN pg_attribute fa ON fa.attrelid = c.confrelid AND fa.attnum = c.confkey[1]
            WHERE c.contype = 'f' AND c.conrelid::regclass::text = ANY(%s)
            ORDER BY 1, 2
            """,
            [tables],
        )
        for child, column, parent, parent_column in cursor.fetchall():
            cursor.execute(
                f'SELECT count(*) FROM {child} c WHERE c."{column}" IS NOT NULL AND NOT EXISTS '  # noqa: S608
                f'(SELECT 1 FROM {parent} p WHERE p."{parent_column}" = c."{column}")'
            )
            missing = cursor.fetchone()[0]
            if missing:
                problems.append(f"{child}.{column}: {missing} rows without their {parent}")
    return problems
