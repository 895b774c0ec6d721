"""One service point's two years: customers, devices, walk-in visits and repair tickets, each
ticket moved through the same transitions, in the same order and with the same timeline events
as the actions of ``repairs.actions`` write them, and cut at the data set's "now": whatever
would happen later has not happened yet, which leaves recent tickets open in every state."""

from __future__ import annotations

import base64
import bisect
import datetime as dt
import functools
import json
import random
import uuid
from dataclasses import dataclass, field

from django.utils.translation import gettext

from complaints.models import Stage
from devtools.national import clock, vocab
from devtools.national.clock import DAY, HOUR, MINUTE, ts
from devtools.national.loader import NULL, Loader, escape, flag, money, opt
from intake.models import CustomerType
from intake.validators import luhn_check_digit
from repairs.models import ConsentKind, TicketStatus, WarrantyStatus
from repairs.warranty import PolicyNumbers, decide_warranty
from servicedesk.models import Role

S = TicketStatus
NEVER = 1 << 62
# A 1x1 PNG stands for every drawn signature (pickup and quote): the pages show "signed".
SIGNATURE = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)
SIGNATURE_COPY = "\\\\x" + SIGNATURE.hex()
PHONE_PREFIXES = [str(p) for p in (*range(130, 140), 150, 151, 152, 153, 155, 156, 157, 158, 159)]
PHONE_PREFIXES += [str(p) for p in range(180, 190)]
FAULT_WEIGHTS = [f[0] for f in vocab.FAULTS]
#: Nationwide warranty: the share of new IMEI devices at a point that were repaired at earlier
#: points of the run, the share that will travel on, and how many points one device visits.
TRAVEL_SHARE = 0.015
TRAVEL_POOL_SHARE = 0.02
TRAVEL_MAX_POINTS = 3
MODEL_LAUNCH = [(m, clock.day_of(launch), tacs) for m, launch, tacs in vocab.MODELS]
#: How customers pay at the counter (share of payments by method code), and how each non-cash
#: method's transaction number starts (WeChat Pay and Alipay numbers, a card slip's reference).
METHOD_MIX = {"wechat": 45, "alipay": 30, "cash": 15, "card": 10}
METHOD_MIX_CODES = list(METHOD_MIX)
METHOD_MIX_WEIGHTS = list(METHOD_MIX.values())
METHOD_REFERENCE_PREFIX = {"wechat": "4200", "alipay": "2026", "card": "", "other": ""}


# The services' own messages (translated by their apps' catalogues). Passed to gettext through
# this table so that the message extraction does not copy them into another catalogue.
SERVICE_MESSAGES = {
    "ready_sms": (
        "[%(point)s] Your device (ticket %(number)s) is ready for pickup. "
        "Address: %(address)s. Hotline: %(phone)s."
    ),
    "quote_note": "Quote ¥%(total)s waits for the customer's approval.",
    "overdue": "Promised reply time missed: overdue, escalated to the supervisor.",
    "offer_waits": "Compensation ¥%(amount)s waits for approval: %(what)s",
    "offer_within": "Compensation ¥%(amount)s within authority: %(what)s",
    "offer_approved": "Compensation ¥%(amount)s approved: may be promised.",
    "offer_refused": "Compensation ¥%(amount)s refused.",
}


@dataclass
class Texts:
    """Messages the services write into rows, in the site's language (as a request would)."""

    ready_sms: str
    quote_note: str
    consent: dict[str, str]
    stage: dict[str, str]
    overdue: str
    offer_waits: str
    offer_within: str
    offer_approved: str
    offer_refused: str

    @classmethod
    def load(cls) -> Texts:
        messages = {key: gettext(msgid) for key, msgid in SERVICE_MESSAGES.items()}
        return cls(
            consent={k: str(k.label) for k in ConsentKind},
            stage={s.value: str(s.label) for s in Stage},
            **messages,
        )


@functools.lru_cache(maxsize=50_000)
def warranty(days: int, no_proof: bool, water: bool, drop: bool, opened: bool):
    """The decision ``intake.services.desk`` stores (cached: it depends on few facts)."""
    today = dt.date(2000, 1, 1)
    decision = decide_warranty(
        policy=PolicyNumbers(),
        purchase_date=today - dt.timedelta(days=days),
        proof="none" if no_proof else "invoice",
        today=today,
        water_damage=water,
        drop_damage=drop,
        unauthorized_disassembly=opened,
    )
    return decision.status, decision.reason_code, decision.reason_text[:255]


@dataclass
class Context:
    """What every point's simulation shares: the clock, the streams, reference rows."""

    loader: Loader
    seed: int
    now: int
    first_day: int
    days: clock.DaySampler
    desk_hours: clock.HourSampler
    hotline_hours: clock.HourSampler
    texts: Texts
    questions: list[tuple[int, str]]
    categories: dict[str, int]
    difficult_types: list[int]
    policy_id: int
    network_departments: list[int]
    #: The counter's payment methods by code: (id, name, is_cash), seeded by the repairs app.
    payment_methods: dict[str, tuple[int, str, bool]] = field(default_factory=dict)
    phone_counter: int = 0
    serial_counter: int = 0
    tac_counters: dict[str, int] = field(default_factory=dict)
    #: Devices that will be brought to other points too (nationwide warranty): [imei, model,
    #: purchase day, points so far, last point id]. Points are generated one after the other,
    #: so a device travels from an earlier point of the run to later ones, up to three points.
    travellers: list[list] = field(default_factory=list)

    def __post_init__(self):
        mixer = random.Random(f"{self.seed}:identifiers")  # noqa: S311 - test data, reproducible
        self.phone_mul = mixer.randrange(1, 10**8 // 10) * 10 + mixer.choice([1, 3, 7, 9])
        self.phone_add = mixer.randrange(10**8)
        self.imei_mul = mixer.randrange(1, 10**5) * 10 + mixer.choice([1, 3, 7, 9])
        self.imei_add = mixer.randrange(10**6)

    def new_phone(self) -> str:
        """Distinct valid mobile numbers (E.164) for the whole data set: a counter through a
        bijection of the eight-digit subscriber space, over the common mobile prefixes."""
        n = self.phone_counter
        self.phone_counter += 1
        prefix = PHONE_PREFIXES[n % len(PHONE_PREFIXES)]
        rest = (self.phone_mul * (n // len(PHONE_PREFIXES)) + self.phone_add) % 10**8
        return f"+86{prefix}{rest:08d}"

    def new_imei(self, tac: str) -> str:
        """Distinct IMEIs: per type allocation code a counter through a bijection of the six
        serial digits, then the Luhn digit."""
        n = self.tac_counters.get(tac, 0)
        self.tac_counters[tac] = n + 1
        body = f"{tac}{(self.imei_mul * n + self.imei_add) % 10**6:06d}"
        return body + luhn_check_digit(body)

    def new_serial(self, model: str) -> str:
        self.serial_counter += 1
        return f"SN{model.replace(' ', '').upper()}{self.serial_counter:08d}"


class Customer:
    __slots__ = (
        "alt_phone",
        "company",
        "created_at",
        "id",
        "kind",
        "name",
        "phone",
        "resolved_at",
        "tickets",
        "vip",
    )

    def __init__(self, id, name, phone, alt_phone, kind, company, vip, created_at):
        self.id, self.name, self.phone, self.alt_phone = id, name, phone, alt_phone
        self.kind, self.company, self.vip, self.created_at = kind, company, vip, created_at
        self.resolved_at = None  # first complaint resolution: has_complained from then on
        self.tickets = []


class Device:
    __slots__ = ("customer", "free_at", "handovers", "id", "model", "purchase_day")

    def __init__(self, id, customer, model, purchase_day):
        self.id, self.customer, self.model, self.purchase_day = id, customer, model, purchase_day
        self.free_at = 0
        self.handovers: list[tuple[int, int]] = []  # (handed over at, ticket id)


class Ticket:
    """What later steps need of a generated ticket."""

    __slots__ = (
        "created_at",
        "customer",
        "desk",
        "handed_over_at",
        "id",
        "number",
        "repeat_of",
        "status",
        "technician",
        "visit_id",
    )

    def __init__(self, id, number, customer, created_at):
        self.id, self.number, self.customer, self.created_at = id, number, customer, created_at
        self.status = S.REGISTERED
        self.handed_over_at = None
        self.visit_id = None
        self.desk = self.technician = self.repeat_of = None


class PointSim:
    """Generates one point. ``run`` writes every row of the point into the loader's streams."""

    def __init__(self, ctx: Context, plan):
        self.ctx = ctx
        self.plan = plan
        self.rng = clock.Rng(f"{ctx.seed}:{plan.code}")
        self.out = ctx.loader
        self.now = ctx.now
        self.customers: list[Customer] = []
        self.devices: list[Device] = []
        self.recent: list[Device] = []
        self.tickets: list[Ticket] = []
        self.ticket_times: list[int] = []
        self.handovers: list[Ticket] = []
        #: (desk user, local day) -> the day's cash-up: [id, {method name: cents}, cash cents,
        #: last entry's time]; filled by ``payment``, written by ``write_cash_ups``.
        self.cash_ups: dict[tuple[int, int], list] = {}

    def run(self) -> None:
        from devtools.national import contacts, followups, loaners

        self.simulate_tickets()
        contacts.simulate_contacts(self)
        followups.simulate_handover_callbacks(self)
        loaners.simulate_loaners(self)
        self.write_customers()
        self.write_cash_ups()

    # --- helpers ---------------------------------------------------------------------------
    def staff(self, role: str) -> int:
        people = self.plan.staff[role]
        return people[0] if len(people) == 1 else people[self.rng.randrange(len(people))]

    def token(self, row_id: int) -> str:
        """A one-time form token (random in the product). Led by the row's id, so that the
        unique index on it is appended to instead of written all over during the load."""
        return str(uuid.UUID(int=(row_id << 80) | self.rng.getrandbits(80), version=4))

    def between(self, low: int, high: int) -> int:
        """A whole number from ``low`` up to (not including) ``high``."""
        return low + int(self.rng.random() * max(1, high - low))

    def office(self, t: int) -> int:
        return clock.during_office(t, self.rng)

    def intake_time(self) -> int:
        rng = self.rng
        t = clock.at_local(self.ctx.days.draw(rng), self.ctx.desk_hours.draw(rng))
        while t > self.now - 2 * MINUTE:  # later today: that day has not come yet
            t -= DAY
        return t

    # --- customers and devices ---------------------------------------------------------------
    def new_customer(self, at: int) -> Customer:
        rng = self.rng
        r = rng.random()
        name = _person(rng)
        kind, company = CustomerType.INDIVIDUAL, ""
        if r < 0.03:
            kind = CustomerType.ENTERPRISE
            company = f"{rng.choice(vocab.COMPANY_WORDS)}{rng.choice(vocab.COMPANY_KINDS)}"
        elif r < 0.04:
            kind = CustomerType.GOVERNMENT
            company = rng.choice(vocab.AGENCIES)
        customer = Customer(
            self.out["intake_customer"].next_id(),
            name,
            self.ctx.new_phone(),
            self.ctx.new_phone() if rng.random() < 0.15 else "",
            kind,
            company,
            rng.random() < 0.02,
            at - self.between(MINUTE, 10 * MINUTE),
        )
        self.customers.append(customer)
        return customer

    def write_customers(self) -> None:
        stream = self.out["intake_customer"]
        point = str(self.plan.id)
        for c in self.customers:
            attention = NULL
            if c.resolved_at is not None:
                attention = clock.date_str(clock.local_day(c.resolved_at) + 1)
            stream.add(
                str(c.id),
                c.name,
                c.phone,
                c.alt_phone,
                c.kind,
                c.company,
                flag(c.vip),
                attention,
                flag(c.resolved_at is not None),
                "",
                ts(c.created_at),
                point,
            )

    def new_device(self, customer: Customer, at: int) -> Device:
        rng = self.rng
        today = clock.local_day(at)
        r = rng.random()
        if r < 0.06:
            age = rng.randrange(0, 8)
        elif r < 0.16:
            age = rng.randrange(8, 31)
        elif r < 0.75:
            age = rng.randrange(31, 366)
        else:
            age = rng.randrange(366, 900)
        bought = today - age
        launched = [m for m in MODEL_LAUNCH if m[1] <= bought] or MODEL_LAUNCH[:1]
        candidates = launched[-5:]
        model, launch_day, tacs = rng.choices(candidates, range(1, len(candidates) + 1))[0]
        bought = min(today, max(bought, launch_day))
        if rng.random() < 0.02:
            imei, serial = "", self.ctx.new_serial(model)
        else:
            imei, serial = self.ctx.new_imei(rng.choice(tacs)), ""
            model, bought, imei = self.travelled(model, bought, imei, today)
        device = Device(self.out["intake_device"].next_id(), customer, model, bought)
        self.devices.append(device)
        self.out["intake_device"].add(
            str(device.id),
            model,
            imei,
            serial,
            clock.date_str(bought),
            rng.choice(vocab.PURCHASE_PLACES),
            ts(at),
            str(customer.id),
            str(self.plan.id),
        )
        return device

    def travelled(self, model: str, bought: int, imei: str, today: int) -> tuple[str, int, str]:
        """Some new devices here were bought and repaired elsewhere: the same IMEI at two or
        three points (the nationwide device history); some devices of here will travel later."""
        rng, pool = self.rng, self.ctx.travellers
        r = rng.random()
        if r < TRAVEL_SHARE and pool:
            k = rng.randrange(len(pool))
            entry = pool[k]
            if entry[4] != self.plan.id and entry[2] <= today:
                entry[3] += 1
                entry[4] = self.plan.id
                if entry[3] >= TRAVEL_MAX_POINTS:
                    pool[k] = pool[-1]
                    pool.pop()
                return entry[1], entry[2], entry[0]
        elif r < TRAVEL_SHARE + TRAVEL_POOL_SHARE:
            pool.append([imei, model, bought, 1, self.plan.id])
        return model, bought, imei

    def pick_device(self, t0: int) -> Device:
        """Most tickets bring a new customer; some a returning customer with a new device, some
        the same device again, a part of those within the repeat-repair window."""
        rng = self.rng
        r = rng.random()
        if r < 0.05 and self.recent:
            for _ in range(4):
                device = self.recent[-1 - rng.randrange(min(len(self.recent), 400))]
                if device.free_at <= t0 - HOUR and t0 - device.handovers[-1][0] <= 90 * DAY:
                    return device
        if r < 0.09 and self.devices:
            device = self.devices[rng.randrange(len(self.devices))]
            if device.free_at <= t0 - HOUR:
                return device
        if r < 0.2 and self.customers:
            customer = self.customers[rng.randrange(len(self.customers))]
        else:
            customer = self.new_customer(t0)
        return self.new_device(customer, t0)

    # --- repair tickets ----------------------------------------------------------------------
    def simulate_tickets(self) -> None:
        times = sorted(self.intake_time() for _ in range(self.plan.tickets))
        for sequence, t0 in enumerate(times, 1):
            self.ticket(sequence, t0)

    def ticket(self, sequence: int, t0: int) -> None:
        rng, out, plan, texts = self.rng, self.out, self.plan, self.ctx.texts
        device = self.pick_device(t0)
        customer = device.customer
        ticket_id = out["repairs_repairticket"].next_id()
        number = f"{plan.code}-{sequence:06d}"
        ticket = Ticket(ticket_id, number, customer, t0)
        desk = ticket.desk = self.staff(Role.FRONT_DESK)
        tech = self.staff(Role.TECHNICIAN)

        # Intake facts and the warranty decision (rules#warranty), as at the desk.
        r = rng.random()
        proof = "invoice" if r < 0.62 else "warranty_card" if r < 0.9 else "none"
        water, drop = rng.random() < 0.04, rng.random() < 0.08
        opened = rng.random() < 0.01
        days = clock.local_day(t0) - device.purchase_day
        status, reason, reason_text = warranty(days, proof == "none", water, drop, opened)
        if water:
            fault = vocab.FAULTS[3]
            words = fault[3][0]
        elif drop:
            fault = vocab.FAULTS[-1]
            words = rng.choice(fault[3])
        else:
            fault = rng.choices(vocab.FAULTS, FAULT_WEIGHTS)[0]
            words = rng.choice(fault[3])
        waits = rng.random() < 0.2
        steps: list[tuple[str, int, str, str, int, str]] = []
        overridden = None
        if status == WarrantyStatus.OUT_OF_WARRANTY and reason == "no_proof" and r > 0.995:
            # The customer brings the invoice later; a supervisor overrides (audited).
            overridden = (self.staff(Role.SUPERVISOR), t0 + self.between(5 * MINUTE, HOUR))
            status = WarrantyStatus.FREE_REPAIR
        oow = status == WarrantyStatus.OUT_OF_WARRANTY

        # The lifecycle, step by step (repairs.transitions), before cutting at "now".
        def step(action, at, before, after, actor, note=""):
            steps.append((action, at, before, after, actor, note))

        r = rng.random()
        if waits:
            t = t0 + self.between(5, 30) * MINUTE
        elif r < 0.7:
            t = t0 + self.between(10, 240) * MINUTE
        else:  # the technicians' backlog: the next day, sometimes later
            t = t0 + (DAY if r < 0.95 else 2 * DAY) + self.between(-3 * HOUR, 3 * HOUR)
        t = self.office(t)
        step("start_diagnosis", t, S.REGISTERED, S.DIAGNOSING, tech)
        t = self.office(
            t + self.between(15 * MINUTE, 3 * HOUR) + (DAY if rng.random() < 0.1 else 0)
        )
        repair_type_id, _type_name, labor = plan.repair_types[fault[1]]
        labor_reason = ""
        if rng.random() < 0.05:
            labor, labor_reason = labor + 2000, "拆机难度较大，工时增加"
        lines = [plan.parts[(device.model, kind)] for kind in fault[2]]
        parts_cents = sum(price for _id, _name, price in lines)
        quote_note = ""
        if oow:
            quote_note = texts.quote_note % {"total": money(labor + parts_cents)}
            step("diagnose", t, S.DIAGNOSING, S.AWAITING_APPROVAL, tech, quote_note)
        else:
            step("diagnose", t, S.DIAGNOSING, S.REPAIRING, tech)
        damage = water or drop
        consent = ConsentKind.SIGNATURE if damage or rng.random() < 0.7 else ConsentKind.VERBAL
        refused = False
        ends = True
        if oow:
            r = rng.random()
            wait = self.between(5, 30) * MINUTE if waits else self.between(30 * MINUTE, 2 * DAY)
            t = self.office(t + wait)
            if r < 0.004:
                ends = False  # the customer never answers the quote
            elif r < 0.15:
                refused = True
                step(
                    "refuse_quote",
                    t,
                    S.AWAITING_APPROVAL,
                    S.QUOTE_REFUSED,
                    desk,
                    texts.consent[consent],
                )
                t = self.office(
                    t + (self.between(5, 20) * MINUTE if waits else self.between(HOUR, 5 * DAY))
                )
                if rng.random() < 0.99:
                    step("return_unrepaired", t, S.QUOTE_REFUSED, S.RETURNED_UNREPAIRED, desk)
            else:
                step(
                    "approve_quote",
                    t,
                    S.AWAITING_APPROVAL,
                    S.REPAIRING,
                    desk,
                    texts.consent[consent],
                )
        if ends and not refused:
            t = self.office(
                t
                + self.between(30 * MINUTE, 8 * HOUR)
                + (self.between(DAY, 5 * DAY) if rng.random() < 0.15 else 0)
            )
            step("complete_repair", t, S.REPAIRING, S.QUALITY_CHECK, tech)
            t = self.office(t + self.between(10 * MINUTE, 3 * HOUR))
            if rng.random() < 0.03:
                step(
                    "fail_qa", t, S.QUALITY_CHECK, S.REPAIRING, desk, rng.choice(vocab.QA_FAILURES)
                )
                t = self.office(t + self.between(HOUR, DAY))
                step("complete_repair", t, S.REPAIRING, S.QUALITY_CHECK, tech)
                t = self.office(t + self.between(10 * MINUTE, 2 * HOUR))
            step("pass_qa", t, S.QUALITY_CHECK, S.READY, desk)
            r = rng.random()
            if waits:
                t += self.between(5, 30) * MINUTE
            elif r < 0.3:
                t += self.between(HOUR, 6 * HOUR)
            elif r < 0.8:
                t += self.between(DAY, 3 * DAY)
            elif r < 0.98:
                t += self.between(4 * DAY, 14 * DAY)
            else:
                t += self.between(15 * DAY, 60 * DAY)
            if rng.random() < 0.996:  # a few devices are never collected
                step("hand_over", self.office(t), S.READY, S.HANDED_OVER, desk)

        # Cut at now: what is later has not happened yet.
        now = self.now
        done = [s for s in steps if s[1] <= now]
        actions = {s[0] for s in done}
        status_now = done[-1][3] if done else S.REGISTERED
        ticket.status = status_now
        ticket.technician = tech if done else None
        ticket.repeat_of = None

        # Repeat repair: this device handed over here within the window (intake.services.desk).
        earlier = [h for h in device.handovers if t0 - 90 * DAY <= h[0] <= t0]
        repeat_of, repeat_count = NULL, 0
        if earlier:
            earlier.sort(reverse=True)
            repeat_of, repeat_count = str(earlier[0][1]), min(10, len(earlier))
            ticket.repeat_of = earlier[0][1]

        # The walk-in visit on the reception board that led to this ticket.
        visit = NULL
        if rng.random() < 0.85:
            visit_id = out["intake_visit"].next_id()
            visit = str(visit_id)
            ticket.visit_id = visit_id
            arrived = t0 - self.between(3 * MINUTE, 30 * MINUTE)
            served = self.between(arrived, t0 - MINUTE)
            finished = t0 + self.between(MINUTE, 5 * MINUTE)
            finished_ok = finished <= now
            out["intake_visit"].add(
                visit,
                "walk_in",
                "repair",
                "done" if finished_ok else "serving",
                customer.name,
                customer.phone,
                f"A{rng.randrange(1, 300):03d}" if plan.has_queue else "",
                "f",
                ts(arrived),
                ts(served),
                ts(finished) if finished_ok else NULL,
                words,
                number if finished_ok else "",
                "",
                NULL,
                NULL,
                "",
                str(desk),
                str(customer.id),
                str(plan.id),
                str(desk),
                NULL,
                "0",
                "0",
                NULL,
                NULL,
                "0",
            )

        ready_at = handed_at = NULL
        for action, at, *_rest in done:
            if action == "pass_qa":
                ready_at = ts(at)
                self.notification(ticket, at)
            elif action in ("hand_over", "return_unrepaired"):
                handed_at = ts(at)
                ticket.handed_over_at = at
        diagnosed = "diagnose" in actions
        estimated = t0 + (HOUR if waits else self.between(DAY, 3 * DAY))
        version = 1 + len(done) + (overridden is not None and overridden[1] <= now)
        last = done[-1][1] if done else t0
        out["repairs_repairticket"].add(
            str(ticket_id),
            number,
            str(sequence),
            status_now,
            str(version),
            words,
            rng.choice(vocab.ACCESSORIES),
            rng.choice(vocab.CONDITIONS),
            proof,
            clock.date_str(device.purchase_day) if proof != "none" else NULL,
            "",
            flag(water),
            flag(drop),
            flag(opened),
            flag(waits),
            customer.phone,
            "t",
            ts(estimated),
            status,
            reason,
            reason_text,
            "客户补交购机发票" if overridden else "",
            str(repeat_count),
            flag(repeat_count >= 2),  # this point's earlier repairs only: a fair approximation
            "",
            fault[4] if diagnosed else "",
            fault[5] if "complete_repair" in actions else "",
            money(labor) if diagnosed else "0.00",
            ts(t0),
            ts(last),
            ready_at,
            handed_at,
            str(desk),
            str(customer.id),
            str(device.id),
            str(plan.id),
            repeat_of,
            str(tech) if done else NULL,
            visit,
            str(overridden[0]) if overridden else NULL,
            str(repair_type_id) if diagnosed else NULL,
            str(self.ctx.policy_id),
            self.token(ticket_id),
            SIGNATURE_COPY if ticket.handed_over_at else NULL,
        )
        events = out["repairs_ticketevent"]
        events.add(
            str(events.next_id()), ts(t0), "open", "", S.REGISTERED, "", str(desk), str(ticket_id)
        )
        for action, at, before, after, actor, note in done:
            events.add(
                str(events.next_id()),
                ts(at),
                action,
                before,
                after,
                note,
                str(actor),
                str(ticket_id),
            )
        if overridden and overridden[1] <= now:
            self.audit_override(ticket, overridden, reason)

        if diagnosed:
            part_lines = out["repairs_partline"]
            # rules#parts: "repair done" consumed the part; a ticket before it holds it reserved
            # (a refused quote released it).
            used = next((s for s in done if s[0] == "complete_repair"), None)
            held = used is None and status_now in (S.AWAITING_APPROVAL, S.REPAIRING)
            movements = out["repairs_stockmovement"]
            for part_id, name, price in lines:
                part_lines.add(
                    str(part_lines.next_id()),
                    name,
                    "1",
                    money(price),
                    str(part_id),
                    str(ticket_id),
                    "1" if held else "0",
                    "1" if used else "0",
                )
                if used is not None:
                    movements.add(
                        str(movements.next_id()),
                        "consume",
                        "-1",
                        "",
                        ts(used[1]),
                        str(used[4]),
                        str(part_id),
                        str(plan.id),
                        str(ticket_id),
                    )
            if oow:
                decided = next((s for s in done if s[0] in ("approve_quote", "refuse_quote")), None)
                diagnose_at = next(s[1] for s in done if s[0] == "diagnose")
                verbal = decided is not None and consent == ConsentKind.VERBAL
                quotes = out["repairs_quote"]
                quotes.add(
                    str(quotes.next_id()),
                    money(labor),
                    labor_reason,
                    "pending"
                    if decided is None
                    else "approved"
                    if decided[0] == "approve_quote"
                    else "refused",
                    ts(decided[1]) if decided else NULL,
                    consent if decided else "",
                    SIGNATURE_COPY if decided and consent == ConsentKind.SIGNATURE else NULL,
                    ts(decided[1]) if verbal else NULL,
                    flag(bool(decided and damage and decided[0] == "approve_quote")),
                    ts(diagnose_at),
                    str(ticket_id),
                    str(desk) if verbal else NULL,
                )
        if ticket.handed_over_at is not None:
            at = ticket.handed_over_at
            if status_now == S.HANDED_OVER:
                due = labor + parts_cents if oow else 0
            else:
                due = plan.refused_fee_cents
            if due:
                self.payment(ticket, due, at, sequence)
            self.satisfaction(ticket_id, at)
            if status_now == S.HANDED_OVER:
                device.handovers.append((at, ticket_id))
                self.recent.append(device)
                self.handovers.append(ticket)
            device.free_at = at
        else:
            device.free_at = NEVER
        self.tickets.append(ticket)
        self.ticket_times.append(t0)
        customer.tickets.append(ticket)

    def notification(self, ticket: Ticket, at: int) -> None:
        plan = self.plan
        stream = self.out["servicedesk_notification"]
        text = self.ctx.texts.ready_sms % {
            "point": plan.name,
            "number": ticket.number,
            "address": plan.address,
            "phone": plan.phone,
        }
        sent = at + self.between(2, 40)
        stream.add(
            str(stream.next_id()),
            "sms",
            ticket.customer.phone,
            text[:500],
            "sent" if sent <= self.now else "pending",
            "1" if sent <= self.now else "0",
            "",
            ts(at),
            ts(sent) if sent <= self.now else NULL,
            str(ticket.id),
            str(plan.id),
            "customer_repair",
        )

    def payment(self, ticket: Ticket, due: int, at: int, sequence: int) -> None:
        """The handover's payment and its money entry (rules#payment): one method by the
        counter's usual mix; cash may be handed over rounded up and gets change, the others
        carry their transaction number. A day before "now" is counted and confirmed (日结), so
        that no old entry is left open; today's entries wait for tonight's count."""
        rng = self.rng
        code = rng.choices(METHOD_MIX_CODES, METHOD_MIX_WEIGHTS)[0]
        method_id, method_name, is_cash = self.ctx.payment_methods[code]
        received, reference = due, ""
        if is_cash:
            if rng.random() >= 0.4:
                step = 5000 if due < 50000 else 10000
                received = (due // step + 1) * step
        else:
            reference = f"{METHOD_REFERENCE_PREFIX[code]}{rng.getrandbits(60):018d}"[:28]
        stream = self.out["repairs_payment"]
        stream.add(
            str(stream.next_id()),
            money(due),
            money(received),
            money(received - due),
            f"FP{self.plan.code}{sequence:06d}",
            ts(at),
            str(ticket.desk),
            str(ticket.id),
            "",
            "",
        )
        cash_up = NULL
        day = clock.local_day(at)
        if day < clock.local_day(self.now):
            counted = self.cash_ups.get((ticket.desk, day))
            if counted is None:
                counted = [self.out["repairs_cashup"].next_id(), {}, 0, at]
                self.cash_ups[(ticket.desk, day)] = counted
            counted[1][method_name] = counted[1].get(method_name, 0) + due
            counted[2] += due if is_cash else 0
            counted[3] = max(counted[3], at)
            cash_up = str(counted[0])
        entries = self.out["repairs_moneyentry"]
        entries.add(
            str(entries.next_id()),
            str(ticket.id),
            "payment",
            str(method_id),
            money(received),
            money(received - due),
            reference,
            "",
            str(ticket.desk),
            NULL,
            ts(at),
            cash_up,
        )

    def write_cash_ups(self) -> None:
        """Each desk user's confirmed cash-up of every past day they took money: the totals by
        method, the cash expected and counted (equal), counted after the last entry of the day
        and confirmed by the point's supervisor."""
        people = self.plan.staff.get(Role.SUPERVISOR) or self.plan.staff[Role.SERVICE_MANAGER]
        stream = self.out["repairs_cashup"]
        point = str(self.plan.id)
        for (desk, day), (cash_up_id, totals, cash, last) in sorted(
            self.cash_ups.items(), key=lambda item: item[1][0]
        ):
            submitted = min(max(last + 10 * MINUTE, clock.at_local(day, 20 * HOUR)), self.now)
            confirmed = min(submitted + self.between(5 * MINUTE, 14 * HOUR), self.now)
            amounts = {name: money(cents) for name, cents in totals.items()}
            stream.add(
                str(cash_up_id),
                point,
                str(desk),
                clock.date_str(day),
                "confirmed",
                escape(json.dumps(amounts, ensure_ascii=False)),
                money(cash),
                money(cash),
                "",
                ts(submitted),
                str(people[0]),
                ts(confirmed),
                "1",
            )

    def satisfaction(self, ticket_id: int, at: int) -> None:
        rng = self.rng
        r = rng.random()
        if r < 0.2:
            return  # no card offered back
        stream = self.out["repairs_satisfactioncard"]
        if r < 0.35:
            stream.add(str(stream.next_id()), NULL, "", "t", ts(at), str(ticket_id))
            return
        rating = rng.choices((5, 4, 3, 2, 1), (70, 20, 6, 2.5, 1.5))[0]
        comment = rng.choice(vocab.SATISFACTION_COMMENTS) if rating >= 4 else "等待时间有点长"
        stream.add(str(stream.next_id()), str(rating), comment, "f", ts(at), str(ticket_id))

    def audit_override(self, ticket: Ticket, overridden, before_reason: str) -> None:
        actor, at = overridden
        stream = self.out["servicedesk_auditlog"]
        detail = {"before": "out_of_warranty", "after": "free_repair", "reason": "客户补交购机发票"}
        stream.add(
            str(stream.next_id()),
            ts(at),
            "ticket.warranty_overridden",
            "repairs.repairticket",
            str(ticket.id),
            f"{ticket.number}: out_of_warranty → free_repair",
            escape(json.dumps(detail, ensure_ascii=False)),
            NULL,
            str(actor),
            str(self.plan.id),
        )

    def customer_before(self, t: int) -> tuple[Customer, Ticket] | None:
        """A customer who had a ticket opened before ``t`` (recent ones more likely)."""
        hi = bisect.bisect_right(self.ticket_times, t)
        if hi == 0:
            return None
        index = hi - 1 - min(hi - 1, int(self.rng.expovariate(1 / 60)))
        ticket = self.tickets[index]
        return ticket.customer, ticket


def _person(rng: random.Random) -> str:
    given = rng.choice(vocab.GIVEN)
    if rng.random() < 0.6:
        given += rng.choice(vocab.GIVEN)
    return rng.choice(vocab.SURNAMES) + given


__all__ = ["Context", "PointSim", "Texts", "opt"]
