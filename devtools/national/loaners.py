"""Loaner phones (备用机) of one generated point: a few loaners, lent to customers whose repair
takes days, as the desk does (``loaners.services``): lent a little after intake against the
customer's signature, taken back at the handover (now and then some days later), still out for
repairs not yet collected. One open loan per loaner, and a loaner's status follows its loans."""

from __future__ import annotations

from devtools.national import clock
from devtools.national.clock import DAY, MINUTE, ts
from devtools.national.loader import NULL, money
from devtools.national.simulate import NEVER, SIGNATURE_COPY
from loaners.models import LoanerStatus
from servicedesk.models import Role

#: The type allocation code of the loaners' IMEIs (none of the customers' models use it).
LOANER_TAC = "86999901"
LOANER_MODELS = [("Nova 5", 30000), ("Y7", 20000), ("P30", 50000)]
CONDITIONS = ["外观良好", "后盖轻微划痕", "屏幕边角磨损", "外观良好，附充电线"]
#: Repairs that take at least this long may get a loaner, and this share of them does.
LONG_REPAIR = 2 * DAY
LEND_SHARE = 0.3
#: Of the loaners lent for a repair that went home: the share that came back days later.
LATE_RETURN_SHARE = 0.08


def simulate_loaners(sim) -> None:
    rng, out, plan, now = sim.rng, sim.out, sim.plan, sim.now
    loaners = out["loaners_loaner"]
    loans = out["loaners_loan"]
    registered = clock.at_local(sim.ctx.first_day, clock.OPENS)
    fleet = []  # [id, model, imei, deposit cents, condition, free from]
    for _ in range(2 + rng.randrange(3)):
        model, deposit = LOANER_MODELS[rng.randrange(len(LOANER_MODELS))]
        condition = CONDITIONS[rng.randrange(len(CONDITIONS))]
        imei = sim.ctx.new_imei(LOANER_TAC)
        fleet.append([loaners.next_id(), model, imei, deposit, condition, registered])
    for ticket in sorted(sim.tickets, key=lambda t: t.created_at):
        back = ticket.handed_over_at
        if back is not None and back - ticket.created_at < LONG_REPAIR:
            continue
        if rng.random() >= LEND_SHARE:
            continue
        lent_at = ticket.created_at + sim.between(5, 20) * MINUTE
        if lent_at > now:
            continue
        free = [loaner for loaner in fleet if loaner[5] <= lent_at]
        if not free:
            continue
        loaner = free[rng.randrange(len(free))]
        desk = ticket.desk or sim.staff(Role.FRONT_DESK)
        returned_at = None
        if back is not None:
            returned_at = back
            if rng.random() < LATE_RETURN_SHARE:
                returned_at = sim.office(back + sim.between(1, 6) * DAY)
            if returned_at > now:
                returned_at = None
        deposit = loaner[3] if rng.random() < 0.7 else None
        loans.add(
            str(loans.next_id()),
            str(plan.id),
            str(loaner[0]),
            str(ticket.customer.id),
            str(ticket.id),
            ts(lent_at),
            str(desk),
            clock.date_str(clock.local_day(lent_at) + 3 + sim.between(0, 5)),
            SIGNATURE_COPY,
            money(deposit) if deposit is not None else NULL,
            loaner[4],
            ts(returned_at) if returned_at is not None else NULL,
            str(desk) if returned_at is not None else NULL,
            loaner[4] if returned_at is not None else "",
            "",
        )
        loaner[5] = returned_at if returned_at is not None else NEVER
    for loaner_id, model, imei, deposit, condition, free_from in fleet:
        loaners.add(
            str(loaner_id),
            str(plan.id),
            model,
            imei,
            condition,
            money(deposit),
            LoanerStatus.LENT if free_from == NEVER else LoanerStatus.AVAILABLE,
            "",
            ts(registered),
        )
