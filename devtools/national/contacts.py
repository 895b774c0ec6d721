"""Hotline calls, walk-ins other than repairs, message slips and complaints of one point, as
``intake.services`` and ``complaints.services`` record them: calls answered within so many
rings with holds and transfers, suggestions routed to a department, praise to a colleague,
complaints through their stages with promised replies, overdue escalations, compensation within
authority, and the complaint follow-up callback."""

from __future__ import annotations

import json

from complaints.models import UNRESOLVED_STAGES, ContactKind
from devtools.national import clock, vocab
from devtools.national.clock import DAY, HOUR, MINUTE, ts
from devtools.national.loader import NULL, escape, flag, money, opt
from followups.models import CallbackKind, SelectionReason
from servicedesk.models import Role

CALL_PURPOSES = (
    ["repair_status", "inquiry", "technical", "complaint", "suggestion", "praise"],
    [33, 31, 14, 7, 6, 9],
)
WALK_IN_PURPOSES = (["pickup", "inquiry", "suggestion", "praise", "complaint"], [36, 40, 8, 10, 6])
QUICK = {"pickup", "inquiry", "praise", "suggestion"}
CATEGORY_WEIGHTS = (list(vocab.COMPLAINT_TEXTS), [12, 10, 22, 16, 10, 18, 7, 5])
SUPERVISOR_LIMIT = 20000  # compensation limits of the defaults, in cents
MANAGER_LIMIT = 100000


def simulate_contacts(sim) -> None:
    for _ in range(sim.plan.calls):
        hotline_call(sim)
    for _ in range(round(sim.plan.tickets * 0.3)):
        walk_in(sim)
    waiting_board(sim)
    for ticket in sim.tickets:
        if ticket.repeat_of is not None and sim.rng.random() < 0.3:
            # rules#repair: a repeat repair counts as a complaint signal; some customers complain.
            complaint(
                sim,
                at=ticket.created_at + sim.between(5 * MINUTE, 30 * MINUTE),
                owner=ticket.desk,
                channel="walk_in",
                source="repeat_repair",
                customer=ticket.customer,
                ticket=ticket,
                visit_id=ticket.visit_id,
                callback_id=None,
                category="repair_quality",
            )


def visit_row(
    sim,
    visit_id,
    *,
    channel,
    purpose,
    status,
    name,
    phone,
    customer_id,
    arrived,
    served,
    finished,
    by,
    summary="",
    outcome="",
    queue="",
    quick=False,
    caller_kind="",
    rings=None,
    answer_seconds=None,
    transferred="",
    department=None,
    holds=(0, 0, 0),
    praised=None,
    token=None,
):
    sim.out["intake_visit"].add(
        str(visit_id),
        channel,
        purpose,
        status,
        name,
        phone,
        queue,
        flag(quick),
        ts(arrived),
        ts(served) if served is not None else NULL,
        ts(finished) if finished is not None else NULL,
        summary,
        outcome,
        caller_kind,
        str(rings) if rings is not None else NULL,
        str(answer_seconds) if answer_seconds is not None else NULL,
        transferred,
        str(by),
        str(customer_id) if customer_id is not None else NULL,
        str(sim.plan.id),
        str(by) if served is not None else NULL,
        str(department) if department is not None else NULL,
        str(holds[0]),
        str(holds[1]),
        str(praised) if praised is not None else NULL,
        token if token is not None else NULL,
        str(holds[2]),
    )


def hotline_call(sim) -> None:
    """intake.services.hotline.call_log: an answered call, logged when it ends."""
    rng, now = sim.rng, sim.now
    t = clock.at_local(sim.ctx.days.draw(rng), sim.ctx.hotline_hours.draw(rng))
    if t > now - 20 * MINUTE:
        t -= DAY
    purpose = rng.choices(*CALL_PURPOSES)[0]
    found = sim.customer_before(t)
    if purpose in ("repair_status", "complaint") and found is None:
        purpose = "inquiry"
    customer = ticket = None
    if found is not None and (purpose in ("repair_status", "complaint") or rng.random() < 0.4):
        customer, ticket = found
    caller_kind = "customer"
    if customer is None:
        r = rng.random()
        caller_kind = "dealer" if r < 0.07 else "internal" if r < 0.1 else "customer"
    name = customer.name if customer else vocab_name(rng)
    phone = customer.phone if customer else sim.ctx.new_phone()
    r = rng.random()
    rings = 1 if r < 0.35 else 2 if r < 0.7 else 3 if r < 0.87 else rng.randrange(4, 9)
    seconds = (rings - 1) * 5 + rng.randrange(5) if rng.random() < 0.5 else None
    hold_count = hold_seconds = checked = 0
    if rng.random() < 0.25:
        hold_count = 1 if rng.random() < 0.8 else 2
        for _ in range(hold_count):
            hold_seconds += rng.randrange(10, 150)
            checked += rng.random() < 0.85
    talk = rng.randrange(40, 360) + hold_seconds
    operator = sim.staff(Role.HOTLINE) if rng.random() < 0.9 else sim.staff(Role.FRONT_DESK)
    department = praised = None
    if purpose == "suggestion":
        department = rng.choice(sim.plan.departments + sim.ctx.network_departments)
    elif purpose == "praise":
        praised = sim.staff(Role.TECHNICIAN if rng.random() < 0.6 else Role.FRONT_DESK)
    call_id = sim.out["intake_visit"].next_id()
    visit_row(
        sim,
        call_id,
        channel="hotline",
        purpose=purpose,
        status="done",
        name=name,
        phone=phone,
        customer_id=customer.id if customer else None,
        arrived=t,
        served=t,
        finished=t + talk,
        by=operator,
        summary=rng.choice(vocab.HOTLINE_SUMMARIES[purpose]),
        outcome=rng.choice(vocab.HOTLINE_OUTCOMES[purpose]),
        caller_kind=caller_kind,
        rings=rings,
        answer_seconds=seconds,
        transferred=rng.choice(vocab.TRANSFER_TARGETS) if rng.random() < 0.08 else "",
        department=department,
        holds=(hold_count, hold_seconds, checked),
        praised=praised,
        token=sim.token(call_id),
    )
    if purpose == "complaint":
        complaint(
            sim,
            at=t + talk + sim.between(MINUTE, 5 * MINUTE),
            owner=operator,
            channel="hotline",
            source="call",
            customer=customer,
            ticket=ticket if rng.random() < 0.7 else None,
            visit_id=call_id,
            callback_id=None,
            category=rng.choices(*CATEGORY_WEIGHTS)[0],
        )
    elif rng.random() < 0.05:
        message_slip(
            sim,
            taken_at=t + talk,
            taker=operator,
            name=name,
            phone=phone,
            customer=customer,
            visit_id=call_id,
        )


def walk_in(sim) -> None:
    """A walk-in that is not a new repair: pickup, inquiry, suggestion, praise or complaint."""
    rng, now = sim.rng, sim.now
    purpose = rng.choices(*WALK_IN_PURPOSES)[0]
    customer = ticket = None
    if purpose == "pickup" and sim.handovers:
        ticket = sim.handovers[rng.randrange(len(sim.handovers))]
        customer = ticket.customer
        t = ticket.handed_over_at - sim.between(2 * MINUTE, 15 * MINUTE)
    else:
        if purpose == "pickup":
            purpose = "inquiry"
        t = clock.at_local(sim.ctx.days.draw(rng), sim.ctx.desk_hours.draw(rng))
        if t > now - 30 * MINUTE:
            t -= DAY
        found = sim.customer_before(t)
        if purpose == "complaint" and found is None:
            purpose = "inquiry"
        if found is not None and (purpose == "complaint" or rng.random() < 0.5):
            customer, ticket = found
    desk = sim.staff(Role.FRONT_DESK)
    left = purpose != "complaint" and rng.random() < 0.04
    served = None if left else t + rng.randrange(0, 15 * MINUTE)
    finished = (
        t + rng.randrange(16 * MINUTE, 40 * MINUTE)
        if left
        else served + rng.randrange(MINUTE, 12 * MINUTE)
    )
    department = praised = None
    if purpose == "suggestion":
        department = rng.choice(sim.plan.departments)
    elif purpose == "praise":
        praised = sim.staff(Role.TECHNICIAN)
    visit_id = sim.out["intake_visit"].next_id()
    name = customer.name if customer else vocab_name(rng)
    phone = customer.phone if customer else ""
    visit_row(
        sim,
        visit_id,
        channel="walk_in",
        purpose=purpose,
        status="left" if left else "done",
        name=name,
        phone=phone,
        customer_id=customer.id if customer else None,
        arrived=t,
        served=served,
        finished=finished,
        by=desk,
        summary=rng.choice(vocab.WALK_IN_SUMMARIES[purpose]),
        outcome="" if left else "已处理",
        queue=f"A{rng.randrange(1, 300):03d}" if sim.plan.has_queue else "",
        quick=purpose in QUICK,
        department=department,
        praised=praised,
    )
    if purpose == "complaint" and not left:
        complaint(
            sim,
            at=served + sim.between(MINUTE, 10 * MINUTE),
            owner=desk,
            channel="walk_in",
            source="visit",
            customer=customer,
            ticket=ticket if rng.random() < 0.8 else None,
            visit_id=visit_id,
            callback_id=None,
            category=rng.choices(*CATEGORY_WEIGHTS)[0],
        )
    elif not left and purpose == "inquiry" and rng.random() < 0.03:
        message_slip(
            sim,
            taken_at=finished,
            taker=desk,
            name=name,
            phone=phone or sim.ctx.new_phone(),
            customer=customer,
            visit_id=visit_id,
        )


def waiting_board(sim) -> None:
    """Who is at the desk right now: the reception board is never empty at a busy point."""
    rng, now = sim.rng, sim.now
    count = 1 + min(11, int(sim.plan.share * 400))
    for _ in range(count):
        arrived = now - sim.between(MINUTE, 45 * MINUTE)
        serving = rng.random() < 0.3
        purpose = rng.choice(["repair", "repair", "pickup", "inquiry"])
        found = sim.customer_before(arrived) if rng.random() < 0.5 else None
        customer = found[0] if found else None
        desk = sim.staff(Role.FRONT_DESK)
        visit_row(
            sim,
            sim.out["intake_visit"].next_id(),
            channel="walk_in",
            purpose=purpose,
            status="serving" if serving else "waiting",
            name=customer.name if customer else "",
            phone=customer.phone if customer else "",
            customer_id=customer.id if customer else None,
            arrived=arrived,
            served=min(now, arrived + sim.between(0, 10 * MINUTE)) if serving else None,
            finished=None,
            by=desk,
            queue=f"A{rng.randrange(1, 300):03d}" if sim.plan.has_queue else "",
            quick=purpose in QUICK,
        )


def message_slip(sim, *, taken_at, taker, name, phone, customer, visit_id) -> None:
    """留言条: open until the addressee calls back; overdue ones reminded once by beat."""
    rng, now = sim.rng, sim.now
    if taken_at > now:
        return
    r = rng.random()
    addressee = sim.staff(
        Role.SUPERVISOR if r < 0.4 else Role.TECHNICIAN if r < 0.8 else Role.SERVICE_MANAGER
    )
    due = clock.during_office(taken_at + sim.between(HOUR, DAY), rng)
    r = rng.random()
    called = None
    if r < 0.97:
        called = taken_at + sim.between(10 * MINUTE, due - taken_at + (DAY if r > 0.85 else 0))
        if called > now:
            called = None
    reminder = due + sim.between(60, 600)
    reminded = reminder <= now and (called is None or called > reminder)
    stream = sim.out["intake_messageslip"]
    stream.add(
        str(stream.next_id()),
        name,
        customer.company if customer else "",
        phone,
        rng.choice(vocab.SLIP_MESSAGES),
        rng.choice(vocab.BEST_TIMES),
        ts(due),
        ts(taken_at),
        "t",
        "called_back" if called else "open",
        ts(called) if called else NULL,
        rng.choice(vocab.SLIP_NOTES) if called else "",
        ts(reminder) if reminded else NULL,
        str(addressee),
        str(customer.id) if customer else NULL,
        str(sim.plan.id),
        str(taker),
        str(visit_id) if visit_id is not None else NULL,
    )


def vocab_name(rng) -> str:
    return rng.choice(vocab.SURNAMES) + rng.choice(("先生", "女士"))


def complaint(
    sim,
    *,
    at,
    owner,
    channel,
    source,
    customer,
    ticket,
    visit_id,
    callback_id,
    category,
    summary="",
):
    """complaints.services: received, clarified, solution proposed, resolved, followed up,
    closed; each unresolved stage with a promised reply; a missed promise escalates (beat)."""
    rng, now, texts = sim.rng, sim.now, sim.ctx.texts
    if at > now:
        return
    plan = sim.plan
    supervisor = plan.staff[Role.SUPERVISOR][0]
    complaint_id = sim.out["complaints_complaint"].next_id()
    summary = summary or rng.choice(vocab.COMPLAINT_TEXTS[category])
    contacts: list[tuple[int, str, str, int | None, int | None]] = []  # at, kind, note, by, promise
    state = {
        "stage": "received",
        "promise": None,
        "overdue": None,
        "escalated": None,
        "decision": "",
        "restatement": "",
        "options": [],
        "chosen": "",
        "resolution": "",
        "resolved": None,
        "closed": None,
        "version": 1,
    }

    def log(t, kind, note, by, promise=None):
        contacts.append((t, kind, note, by, promise))

    def next_action(t, promise):
        """When the owner acts next: mostly before the promised time, sometimes after it (then
        beat has marked the complaint overdue and escalated it)."""
        if rng.random() < 0.85:
            return t + sim.between(5 * MINUTE, max(6 * MINUTE, promise - t))
        return promise + sim.between(10 * MINUTE, 2 * DAY)

    def promise_after(t):
        return clock.during_office(t + sim.between(3 * HOUR, 2 * DAY), rng)

    def pass_time(t, upto):
        """Beat's overdue scan between the last promise and the next action."""
        promise = state["promise"]
        if promise is None or state["overdue"] is not None:
            return
        mark = promise + sim.between(60, 300)
        if mark < upto and mark <= now:
            state["overdue"] = mark
            state["version"] += 1
            if state["escalated"] is None:
                state["escalated"] = mark
            log(mark, "escalation", texts.overdue, None)

    def stage(t, new_stage, detail, by, promise=None):
        state["stage"] = new_stage
        state["promise"] = promise
        state["overdue"] = None
        state["version"] += 1
        log(t, ContactKind.STAGE, f"{texts.stage[new_stage]}: {detail}".strip(), by, promise)

    promise = promise_after(at)
    state["promise"] = promise
    log(at, ContactKind.OPENED, summary, owner, promise)
    t = next_action(at, promise)
    restatement = "您反映的问题是：" + summary
    pass_time(at, t)
    steps_done = True
    if t <= now:
        p = promise_after(t)
        state["restatement"] = restatement
        stage(t, "clarified", restatement, owner, p)
    else:
        steps_done = False
    if steps_done and rng.random() < 0.25:
        t2 = next_action(t, state["promise"])
        pass_time(t, t2)
        if t2 <= now:
            p = promise_after(t2)
            state["promise"], state["overdue"] = p, None
            state["version"] += 1
            log(t2, ContactKind.CONTACT, "已向客户说明处理进度", owner, p)
            t = t2
        else:
            steps_done = False
    if steps_done and rng.random() < 0.06:
        t2 = t + sim.between(10 * MINUTE, 3 * HOUR)
        if t2 <= now and state["escalated"] is None:
            state["escalated"] = t2
            state["version"] += 1
            log(t2, ContactKind.ESCALATION, rng.choice(vocab.ESCALATION_NOTES), owner)
            t3 = t2 + sim.between(30 * MINUTE, 6 * HOUR)
            if t3 <= now:
                state["decision"] = rng.choice(vocab.DECISIONS)
                state["version"] += 1
                log(t3, ContactKind.DECISION, state["decision"], supervisor)
    if steps_done and rng.random() < 0.08:
        compensation_offer(sim, complaint_id, t + sim.between(10 * MINUTE, 2 * HOUR), owner, log)
    if steps_done:
        t2 = next_action(t, state["promise"])
        pass_time(t, t2)
        if t2 <= now:
            options = rng.sample(vocab.SOLUTIONS, rng.randrange(1, 4))
            state["options"], state["chosen"] = options, options[0]
            stage(t2, "proposed", options[0], owner, promise_after(t2))
            t = t2
        else:
            steps_done = False
    # Some recent ones are hard cases still waiting for a solution the customer accepts.
    stuck = now - at < 60 * DAY and rng.random() < 0.05
    if steps_done and not stuck:
        t2 = next_action(t, state["promise"])
        pass_time(t, t2)
        if t2 <= now:
            state["resolution"] = rng.choice(vocab.RESOLUTIONS)
            state["resolved"] = t2
            stage(t2, "resolved", state["resolution"], owner)
            t = t2
        else:
            steps_done = False
    else:
        steps_done = False
    if not steps_done:
        pass_time(t, now + 1)
    callback_due = NULL
    if state["resolved"] is not None:
        resolved = state["resolved"]
        day = clock.local_day(resolved)
        callback_due = clock.date_str(day + 3)
        if customer.resolved_at is None or resolved < customer.resolved_at:
            customer.resolved_at = resolved
        from devtools.national.followups import callback

        ended = callback(
            sim,
            CallbackKind.COMPLAINT,
            customer,
            None,
            SelectionReason.COMPLAINT,
            day + 1,
            day + 3,
            resolved,
        )
        follow = None
        if ended is not None:
            follow = (ended + sim.between(5 * MINUTE, 3 * HOUR), plan.staff[Role.CALLBACK_CLERK][0])
        elif clock.day_closes(day + 3) + DAY <= now:
            follow = (clock.day_closes(day + 3) + sim.between(HOUR, DAY), supervisor)
        if follow is not None and follow[0] <= now:
            stage(follow[0], "followed_up", "已回访，客户认可处理结果", follow[1])
            closed = follow[0] + sim.between(HOUR, 2 * DAY)
            if closed <= now:
                state["closed"] = closed
                stage(closed, "closed", "", supervisor)
    severity = rng.choices(["low", "normal", "high"], [20, 65, 15])[0]
    difficult = None
    if rng.random() < 0.08 and sim.ctx.difficult_types:
        difficult = rng.choice(sim.ctx.difficult_types)
    unresolved = state["stage"] in UNRESOLVED_STAGES
    sim.out["complaints_complaint"].add(
        str(complaint_id),
        channel,
        source,
        severity,
        state["stage"],
        summary,
        state["restatement"],
        flag(bool(state["restatement"])),
        escape(json.dumps(state["options"], ensure_ascii=False)),
        state["chosen"],
        state["resolution"],
        ts(state["promise"]) if unresolved and state["promise"] else NULL,
        ts(state["overdue"]) if unresolved and state["overdue"] else NULL,
        ts(state["escalated"]) if state["escalated"] else NULL,
        state["decision"],
        callback_due,
        ts(at),
        ts(state["resolved"]) if state["resolved"] else NULL,
        ts(state["closed"]) if state["closed"] else NULL,
        str(state["version"]),
        str(customer.id),
        str(supervisor) if state["escalated"] else NULL,
        str(owner),
        str(plan.id),
        str(ticket.id) if ticket is not None else NULL,
        str(visit_id) if visit_id is not None else NULL,
        opt(sim.ctx.categories.get(category)),
        str(difficult) if difficult is not None else NULL,
        str(callback_id) if callback_id is not None else NULL,
    )
    stream = sim.out["complaints_complaintcontact"]
    for t, kind, note, by, promise in sorted(contacts, key=lambda c: c[0]):
        stream.add(
            str(stream.next_id()),
            ts(t),
            kind,
            note,
            ts(promise) if promise else NULL,
            str(by) if by is not None else NULL,
            str(complaint_id),
        )


def compensation_offer(sim, complaint_id, at, owner, log):
    """Above the owner's authority (front desk, hotline and clerks: ¥0) the offer waits for the
    supervisor (up to ¥200) or the service manager (up to ¥1,000); decisions are audited."""
    rng, now, texts = sim.rng, sim.now, sim.ctx.texts
    if at > now:
        return None
    cents = rng.choice([5000, 10000, 15000, 20000, 30000, 50000, 80000])
    needs = "supervisor" if cents <= SUPERVISOR_LIMIT else "service_manager"
    approver = sim.plan.staff[Role.SUPERVISOR if needs == "supervisor" else Role.SERVICE_MANAGER][0]
    what = rng.choice(vocab.COMPENSATIONS)
    decided = at + sim.between(HOUR, DAY)
    status = "pending"
    if decided <= now:
        status = "approved" if rng.random() < 0.8 else "refused"
    log(
        at,
        ContactKind.COMPENSATION,
        texts.offer_waits % {"amount": money(cents), "what": what},
        owner,
    )
    stream = sim.out["complaints_compensationoffer"]
    offer_id = stream.next_id()
    stream.add(
        str(offer_id),
        money(cents),
        what,
        status,
        needs,
        ts(decided) if status != "pending" else NULL,
        ts(at),
        str(approver) if status != "pending" else NULL,
        str(owner),
        str(complaint_id),
    )
    if status != "pending":
        note = texts.offer_approved if status == "approved" else texts.offer_refused
        log(decided, ContactKind.COMPENSATION, note % {"amount": money(cents)}, approver)
        audit = sim.out["servicedesk_auditlog"]
        detail = {"amount": money(cents), "status": status, "complaint": complaint_id}
        audit.add(
            str(audit.next_id()),
            ts(decided),
            "complaint.compensation_decided",
            "complaints.compensationoffer",
            str(offer_id),
            f"¥{money(cents)} {status}",
            escape(json.dumps(detail, ensure_ascii=False)),
            NULL,
            str(approver),
            str(sim.plan.id),
        )
    return offer_id
