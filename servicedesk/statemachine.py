"""One shape for every state machine (ticket, complaint, callback, visit, export job, …).

Each stateful model has, in its app's ``transitions.py``, one ``StateMachine``: a table of
``Transition`` rows (source state, action, target state or a named ``Guard`` that chooses it, the
roles allowed) that is the whole truth about which moves exist. The app's one transition service
(``ticket_act``, ``complaint_transition``, …) runs the action's own rules and then calls
``StateMachine.move``, the only code that assigns the status field; ``move`` writes the move's
timeline or audit event. ``scripts/check_status_writes.py`` (in CI) fails when a status field is
assigned anywhere else. Refused moves raise ``TransitionRefused``, an ``ActionRefused``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from django.db import models
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from servicedesk.errors import ActionRefused
from servicedesk.models import Role

#: The "role" of moves made by background work (the dispatcher, the export worker).
SYSTEM = "system"


class TransitionRefused(ActionRefused):
    """The move does not exist from this state, or the actor's role may not make it."""


@dataclass(frozen=True)
class Guard:
    """Chooses the target of a transition from the object (and the move's context); ``targets``
    lists every state it can choose, so the table can be read and tested without running it."""

    name: str
    targets: tuple[str, ...]
    choose: Callable[..., str]


C = TypeVar("C")


@dataclass(frozen=True)
class Transition(Generic[C]):
    action: str
    label: str | Promise
    source: str
    target: str | Guard
    roles: frozenset[str]
    #: What carries the move out from a page, where the row has it (a ticket action's command:
    #: its form, typed input, service and partial; ``repairs.actions.commands``).
    command: C | None = None

    @property
    def targets(self) -> tuple[str, ...]:
        return self.target.targets if isinstance(self.target, Guard) else (self.target,)


class Recorder(Protocol):
    def __call__(
        self,
        *,
        obj: models.Model,
        transition: Transition,
        before: str,
        actor: Any,
        note: str,
        now: dt.datetime,
    ) -> None: ...


def record_state_change(
    *,
    obj: models.Model,
    transition: Transition,
    before: str,
    actor: Any,
    note: str,
    now: dt.datetime,
    machine: str = "",
    after: str = "",
) -> None:
    """The default event of a move: one ``StateChange`` row."""
    from servicedesk.models import StateChange

    StateChange.objects.create(
        machine=machine,
        object_id=obj.pk,
        action=transition.action,
        from_state=before,
        to_state=after,
        actor=actor,
        note=note[:500],
        at=now,
    )


class StateMachine:
    def __init__(
        self,
        *,
        name: str,
        field: str,
        transitions: Iterable[Transition[Any]] = (),
        record: Recorder | None = None,
    ) -> None:
        self.name = name
        self.field = field
        self._record = record
        self._set(transitions)

    def _set(self, transitions: Iterable[Transition[Any]]) -> None:
        self.transitions = tuple(transitions)
        self._by_key = {(t.source, t.action): t for t in self.transitions}
        if len(self._by_key) != len(self.transitions):
            raise ValueError(f"{self.name}: two transitions share a (source, action)")
        self.actions = sorted({t.action for t in self.transitions})

    def load(self, transitions: Iterable[Transition[Any]]) -> None:
        """The table of a machine whose rows carry commands that name the services moving it
        (the ticket's: ``repairs.actions.commands``), given once by the app when it is ready.
        The services reach the machine by import and the rows reach the services, so the rows
        cannot live below the services."""
        rows = tuple(transitions)
        if self.transitions and self.transitions != rows:
            raise ValueError(f"{self.name}: the table is loaded once")
        self._set(rows)

    # --- reading the table --------------------------------------------------------------

    def _loaded(self) -> None:
        if not self.transitions:
            raise RuntimeError(f"{self.name}: the table is loaded when the app is ready")

    def find(self, state: str, action: str) -> Transition | None:
        self._loaded()
        return self._by_key.get((state, action))

    def allows(self, transition: Transition, role: str | None) -> bool:
        return role == Role.ADMIN or (role is not None and role in transition.roles)

    def available(self, state: str, role: str | None) -> list[Transition]:
        """The moves a person of ``role`` can make from ``state`` (what a page offers)."""
        self._loaded()
        return [
            t
            for t in self.transitions
            if t.source == state and t.roles - {SYSTEM} and self.allows(t, role)
        ]

    def label(self, action: str) -> str | Promise:
        return next((t.label for t in self.transitions if t.action == action), action)

    def states(self) -> set[str]:
        return {t.source for t in self.transitions} | {
            target for t in self.transitions for target in t.targets
        }

    # --- moving -------------------------------------------------------------------------

    def require(
        self, obj: models.Model, action: str, *, role: str | None, authorized: bool = False
    ) -> Transition:
        """The transition for ``action`` from the object's state, if ``role`` may make it;
        ``role=SYSTEM`` for background work. ``authorized``: the caller has already applied a
        rule the table cannot express (a complaint's owner may act whatever the role)."""
        state = getattr(obj, self.field)
        transition = self.find(state, action)
        if transition is None:
            display = getattr(obj, f"get_{self.field}_display", lambda: state)()
            raise TransitionRefused(
                _("“%(action)s” is not possible while it is “%(state)s”.")
                % {"action": action, "state": display}
            )
        if authorized:
            return transition
        if role == SYSTEM:
            if SYSTEM not in transition.roles:
                raise TransitionRefused(_("This step is made by a person, not automatically."))
        elif not self.allows(transition, role):
            raise TransitionRefused(
                _("Your role cannot do this: %(action)s.") % {"action": transition.label}
            )
        return transition

    def move(
        self,
        obj: models.Model,
        action: str,
        *,
        actor: Any = None,
        role: str | None,
        authorized: bool = False,
        note: str = "",
        now: dt.datetime | None = None,
        **context: Any,
    ) -> Transition:
        """Assign the new state (the guard's choice, given ``context``) and write the move's
        event. The caller saves the object, in the same transaction."""
        transition = self.require(obj, action, role=role, authorized=authorized)
        before = getattr(obj, self.field)
        if isinstance(transition.target, Guard):
            after = transition.target.choose(obj, **context)
            if after not in transition.target.targets:
                raise ValueError(f"{self.name}: guard {transition.target.name} chose {after}")
        else:
            after = transition.target
        setattr(obj, self.field, after)
        now = now or timezone.now()
        if self._record is not None:
            self._record(
                obj=obj, transition=transition, before=before, actor=actor, note=note, now=now
            )
        else:
            record_state_change(
                obj=obj,
                transition=transition,
                before=before,
                actor=actor,
                note=note,
                now=now,
                machine=self.name,
                after=after,
            )
        return transition

    def move_rows(
        self,
        queryset: models.QuerySet[Any],
        action: str,
        *,
        actor: Any = None,
        now: dt.datetime | None = None,
        note: str = "",
        **values: Any,
    ) -> int:
        """The same move for many rows at once, as conditional UPDATEs (one per source state
        of ``action``; guards are not allowed here): only rows still in a source state move, so
        a second run moves nothing. Writes one event row per moved row."""
        from servicedesk.models import StateChange

        now = now or timezone.now()
        moved = 0
        for transition in self.transitions:
            if transition.action != action:
                continue
            if isinstance(transition.target, Guard):
                raise ValueError(f"{self.name}: {action} has a guard; move rows one by one")
            rows = queryset.filter(**{self.field: transition.source})
            ids = list(rows.values_list("pk", flat=True))
            if not ids:
                continue
            moved += queryset.model._default_manager.filter(
                pk__in=ids, **{self.field: transition.source}
            ).update(**{self.field: transition.target}, **values)
            StateChange.objects.bulk_create(
                StateChange(
                    machine=self.name,
                    object_id=pk,
                    action=action,
                    from_state=transition.source,
                    to_state=transition.target,
                    actor=actor,
                    note=note[:500],
                    at=now,
                )
                for pk in ids
            )
        return moved
