"""Message drafts from templates (SPEC §5 `draft`, §6 key w).

A template is a text file: the first line `Subject: …`, then the body, with
{placeholders} filled from the card (see PLACEHOLDERS; `{{` and `}}` are
literal braces). Defaults ship in followup_tui/templates/; a file of the same
name in the config dir's templates/ folder wins.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .clock import days
from .config import Config
from .model import CardBundle, Kind, Outcome, Relation, Stage

TEMPLATES = ("thank-you", "follow-up", "check-in", "gracious-reply", "referral-ask")
PLACEHOLDERS = {
    "company": "the company",
    "role": "the role (or 'open')",
    "round": "the current round number",
    "interviewer": "first name of the first interviewer (or 'there')",
    "interviewers": "all interviewers' full names ('Jane Doe and Raj Patel')",
    "interview_day": "the latest interview's day in words ('Tuesday, November 25')",
    "fit": "the card's 'why I fit' note",
    "discussed": "the first line of the card's notes (what was discussed)",
    "waiting_days": "days since the card entered its stage",
    "person": "the network person to ask for a recommendation (or 'there')",
    "my_name": "[me] name from config.toml",
    "signature": "[me] signature from config.toml (or the name)",
}
# What a draft, once sent, is logged as (w: "mark as sent").
SENT_AS = {"thank-you": Kind.THANK_YOU, "follow-up": Kind.FOLLOW_UP, "check-in": Kind.CHECK_IN,
           "gracious-reply": Kind.CHECK_IN, "referral-ask": Kind.REFERRAL_ASK}


class DraftError(ValueError):
    """A template that cannot be used; the message names the file and the problem."""


@dataclass(frozen=True)
class Draft:
    template: str
    subject: str
    body: str

    @property
    def text(self) -> str:
        return f"Subject: {self.subject}\n\n{self.body}"


def default_template(bundle: CardBundle) -> str:
    """The template the card most likely needs now."""
    card = bundle.card
    if card.outcome == Outcome.REJECTED:
        return "gracious-reply"
    return {Stage.THANK_YOU: "thank-you", Stage.WAITING: "follow-up",
            Stage.NEXT_ROUND: "follow-up", Stage.STAY_IN_TOUCH: "check-in"}[card.stage]


def template_path(name: str, config: Config) -> Path:
    if name not in TEMPLATES:
        raise DraftError(f"no template {name!r} (known: {', '.join(TEMPLATES)})")
    own = config.templates_dir / f"{name}.txt" if config.templates_dir else None
    return own if own and own.exists() else Path(__file__).parent / "templates" / f"{name}.txt"


def render(bundle: CardBundle, name: str, config: Config, now: datetime) -> Draft:
    path = template_path(name, config)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DraftError(f"cannot read template {path}: {exc}") from None
    first, _, body = text.partition("\n")
    if not first.startswith("Subject:"):
        raise DraftError(f"template {path}: the first line must be 'Subject: …'")
    values = fill(bundle, config, now)
    return Draft(name, _format(first[len("Subject:"):].strip(), values, path), _format(body.strip("\n"), values, path))


def _format(text: str, values: dict[str, str], path: Path) -> str:
    try:
        return text.format_map(values)
    except KeyError as exc:
        raise DraftError(f"template {path}: unknown placeholder {{{exc.args[0]}}} "
                         f"(known: {', '.join(PLACEHOLDERS)})") from None
    except (ValueError, IndexError) as exc:
        raise DraftError(f"template {path}: {exc} (write {{{{ and }}}} for literal braces)") from None


def _names(names: list[str]) -> str:
    if not names:
        return "the team"
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def fill(bundle: CardBundle, config: Config, now: datetime) -> dict[str, str]:
    """The placeholder values for this card."""
    card = bundle.card
    interviewers = [p.name for p in bundle.people if p.relation != Relation.NETWORK]
    asked = {c.person_id for c in bundle.contacts if c.kind == Kind.REFERRAL_ASK}
    network = [p.name for p in bundle.people if p.relation == Relation.NETWORK and p.id not in asked] or \
        [p.name for p in bundle.people if p.relation == Relation.NETWORK]
    local = card.interview_at.astimezone()
    me = config.me
    return {
        "company": card.company, "role": card.role or "open", "round": str(card.round),
        "interviewer": interviewers[0].split()[0] if interviewers else "there",
        "interviewers": _names(interviewers),
        "interview_day": f"{local:%A}, {local:%B} {local.day}",
        "fit": card.fit or "my experience lines up well with what you described",
        "discussed": card.notes.strip().splitlines()[0] if card.notes.strip() else "the team and the work ahead",
        "waiting_days": str(max(0, days(now - card.stage_entered_at))),
        "person": network[0].split()[0] if network else "there",
        "my_name": me.name, "signature": me.signature or me.name,
    }
