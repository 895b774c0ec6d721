"""The complaint's stage table (rules#complaints stages): each row (from stage, action, to stage,
roles besides the owner) carries its move's command: its form, the typed input the form gives,
the service that makes the move and the partial that draws the step (the form's ``partial``).
The complaint's machine (``complaints.transitions.MACHINE``) is loaded from these rows when the
app is ready (``ComplaintsConfig.ready``).

Adding a step: a form (``StageForm[TheInput]`` with ``to_input``, and its own ``partial`` if the
shared card does not fit), an input dataclass and a service in ``complaints.services.stages``,
and one row here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from django.utils.translation import gettext_lazy as _

from complaints import services
from complaints.forms import ClarifyForm, NoteStageForm, ProposeForm, ResolveForm, StageForm
from complaints.models import Complaint, Stage
from complaints.transitions import SUPERVISORS
from servicedesk.models import Role
from servicedesk.statemachine import Transition

if TYPE_CHECKING:
    from servicedesk.types import Actor

InputT = TypeVar("InputT")
InputT_contra = TypeVar("InputT_contra", contravariant=True)


class StageService(Protocol[InputT_contra]):
    def __call__(
        self,
        *,
        complaint: Complaint,
        actor: Actor,
        data: InputT_contra,
        version: int | None = None,
        now: dt.datetime | None = None,
    ) -> Complaint: ...


@dataclass(frozen=True)
class StageCommand(Generic[InputT]):
    form: type[StageForm[InputT]]
    service: StageService[InputT]

    @property
    def partial(self) -> str:
        """The template drawing the step (its form's ``partial``)."""
        return self.form.partial

    def submit(self, form: StageForm[InputT], *, complaint: Complaint, actor: Actor) -> Complaint:
        """Make the move with what ``form`` (valid) holds, as of the version it was shown with."""
        return self.service(
            complaint=complaint,
            actor=actor,
            data=form.to_input(),
            version=form.cleaned_data["version"],
        )


#: A row of the complaint's table: its transition with its command.
Row = Transition[StageCommand[Any]]

TRANSITIONS: list[Row] = [
    Row(
        "clarify",
        _("Clarify"),
        Stage.RECEIVED,
        Stage.CLARIFIED,
        SUPERVISORS,
        StageCommand(ClarifyForm, services.complaint_clarify),
    ),
    *(
        Row(
            "propose",
            _("Propose a solution"),
            source,
            Stage.PROPOSED,
            SUPERVISORS,
            StageCommand(ProposeForm, services.complaint_propose),
        )
        for source in (Stage.CLARIFIED, Stage.PROPOSED)
    ),
    Row(
        "resolve",
        _("Resolve"),
        Stage.PROPOSED,
        Stage.RESOLVED,
        SUPERVISORS,
        StageCommand(ResolveForm, services.complaint_resolve),
    ),
    Row(
        "follow_up",
        _("Followed up"),
        Stage.RESOLVED,
        Stage.FOLLOWED_UP,
        SUPERVISORS | {Role.CALLBACK_CLERK},
        StageCommand(NoteStageForm, services.complaint_follow_up),
    ),
    Row(
        "close",
        _("Close"),
        Stage.FOLLOWED_UP,
        Stage.CLOSED,
        SUPERVISORS,
        StageCommand(NoteStageForm, services.complaint_close),
    ),
]


def _command(row: Row) -> StageCommand[Any]:
    if row.command is None:
        raise ValueError(f"the complaint's row {row.action} has no command")
    return row.command


#: Each step's command, by the action of its rows.
STAGE_COMMANDS: dict[str, StageCommand[Any]] = {row.action: _command(row) for row in TRANSITIONS}
