"""The generated account's columns, drawn vectorised: sizes, owners, statuses, stages and every date-time.

Only what queries need lives here (see schema.py); builders.py fills in the rest of a record when it is read, and
must agree with these columns. Parents are generated before their children and numbered in creation order, so a
child is never older than its parent and a parent's updated_at already covers its children's last changes.
All draws come from numpy generators seeded by (seed, scale, purpose): the same config gives the same account.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from simulators.hivestr.schema import CITY_NAMES, CITY_UFS, PROPOSAL_STATUSES, STAGES, UFS
from simulators.hivestr.table import NO_INSTANT, NO_ROW
from simulators.hivestr.times import DAY, HOUR
from simulators.ploomes.values import mix, name_code

Columns = dict[str, np.ndarray]
YEAR = 365 * DAY
_BIG_CITIES = {"São Paulo": 10, "Rio de Janeiro": 7, "Belo Horizonte": 5, "Brasília": 5, "Curitiba": 4,
               "Porto Alegre": 4, "Salvador": 4, "Recife": 4, "Fortaleza": 4, "Goiânia": 3, "Campinas": 3}  # fmt: skip
_MEDIA_SHARE = [0.42, 0.33, 0.13, 0.12]  # DOOH, OOH, TV, RADIO
_CLIENT_STATUS_SHARE = [0.24, 0.20, 0.44, 0.12]  # lead, prospect, client, inactive
_NOTE_TYPE_SHARE = [0.45, 0.15, 0.12, 0.28]  # note, task, reminder, follow_up
_PROPOSALS_PER_CLIENT = np.array([0.4, 1.2, 1.6, 0.9])  # mean, by client status
# Proposal status shares (draft, sent, viewed, pre_approved, approved, rejected) by client status: leads have
# only open proposals, clients mostly approved ones, inactive clients mostly decided ones.
_PROPOSAL_STATUS_SHARE = np.array(
    [
        [0.55, 0.35, 0.10, 0.00, 0.00, 0.00],
        [0.25, 0.28, 0.22, 0.05, 0.05, 0.15],
        [0.06, 0.08, 0.08, 0.03, 0.55, 0.20],
        [0.04, 0.04, 0.04, 0.00, 0.38, 0.50],
    ]
)
# Stage shares of a deal with no proposal, by client status.
_UNLINKED_STAGE_SHARE = np.array(
    [
        [0.60, 0.40, 0.00, 0.00, 0.00, 0.00, 0.00],
        [0.30, 0.45, 0.00, 0.00, 0.00, 0.00, 0.25],
        [0.30, 0.20, 0.20, 0.15, 0.00, 0.15, 0.00],
        [0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 1.00],
    ]
)
# The stage a deal's proposal status puts it in (the doc's table read backwards; draft splits in two).
_STAGE_OF_STATUS = np.array([STAGES.index(s) for s in ("Prospecção", "Proposta", "Negociação", "Aprovação", "Ganho",
                                                        "Perdido")])  # fmt: skip
_CLOSED_STAGES = np.array([STAGES.index("Ganho"), STAGES.index("Perdido")])


@dataclass
class Skeleton:
    sizes: dict[str, int] = field(default_factory=dict)
    columns: dict[str, Columns] = field(default_factory=dict)

    def add(self, entity: str, size: int, **columns: np.ndarray) -> None:
        self.sizes[entity] = size
        self.columns[entity] = columns


def user_count(scale: int) -> int:
    return min(40, 4 + scale // 500)


def inventory_count(scale: int) -> int:
    return max(20, scale // 5)


def generate(seed: int, scale: int, end: int) -> Skeleton:
    """Every column of an account of `scale` clients whose history ends at `end` (epoch seconds)."""
    if scale < 1:
        raise ValueError("scale (the number of clients) must be >= 1")
    skeleton = Skeleton()
    skeleton.add("users", user_count(scale))

    def rng(purpose: str) -> np.random.Generator:
        return np.random.default_rng(mix(seed, scale, name_code(purpose)))

    _inventory(skeleton, rng("inventory"), inventory_count(scale), end)
    _clients_and_notes(skeleton, rng("clients"), scale, end)
    _proposals(skeleton, rng("proposals"), end)
    _deals(skeleton, rng("deals"), end)
    _tasks(skeleton, rng("tasks"), end)
    return skeleton


def _sorted_times(rng: np.random.Generator, start: int, end: int, n: int) -> np.ndarray:
    return np.sort(rng.integers(start, end, n, dtype=np.int64))


def _after(rng: np.random.Generator, start: np.ndarray, end: int | np.ndarray, skew: float = 1.0) -> np.ndarray:
    """A moment between each `start` and `end`; skew > 1 leans towards `start`."""
    return start + ((end - start) * rng.random(len(start)) ** skew).astype(np.int64)


def _choice(rng: np.random.Generator, shares: np.ndarray) -> np.ndarray:
    """One draw per row of `shares` (each row a probability vector)."""
    cumulative = np.cumsum(shares, axis=1)
    draws = rng.random(len(shares))[:, None] * cumulative[:, -1:]
    return np.minimum((draws >= cumulative).sum(axis=1), shares.shape[1] - 1)


def _children(rng: np.random.Generator, counts: np.ndarray, parent_created: np.ndarray, end: int):
    """Owner rows and creation times of children, numbered by owner, then by creation within an owner."""
    parents = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
    created = _after(rng, parent_created[parents], end)
    order = np.lexsort((created, parents))
    return parents[order], created[order]


def _latest_child(parents: np.ndarray, size: int) -> np.ndarray:
    latest = np.full(size, NO_ROW, dtype=np.int64)
    np.maximum.at(latest, parents, np.arange(len(parents), dtype=np.int64))
    return latest


def _inventory(skeleton: Skeleton, rng: np.random.Generator, m: int, end: int) -> None:
    weights = np.array([_BIG_CITIES.get(name, 1) for name in CITY_NAMES], dtype=float)
    city = rng.choice(len(CITY_NAMES), m, p=weights / weights.sum())
    state = np.array([UFS.index(uf) for uf in CITY_UFS])[city]
    media = rng.choice(4, m, p=_MEDIA_SHARE)
    created = _sorted_times(rng, end - 4 * YEAR, end - 20 * DAY, m)
    updated = _after(rng, created, end, skew=2.0)
    broadcast = media >= 2
    schedules = np.where(broadcast, rng.integers(2, 7, m), 0)
    skeleton.add(
        "inventory",
        m,
        media_type=media,
        city=city,
        state=state,
        is_active=(rng.random(m) < 0.88).astype(np.int16),
        created_at=created,
        updated_at=updated,
    )
    skeleton.add("media_schedules", int(schedules.sum()), inventory_id=np.repeat(np.arange(m), schedules))


def _clients_and_notes(skeleton: Skeleton, rng: np.random.Generator, n: int, end: int) -> None:
    created = _sorted_times(rng, end - 3 * YEAR, end - HOUR, n)
    status = rng.choice(4, n, p=_CLIENT_STATUS_SHARE)
    updated = _after(rng, created, end, skew=3.0)
    counts = np.minimum(rng.poisson(2.2, n), 12)
    note_client, note_created = _children(rng, counts, created, end)
    np.maximum.at(updated, note_client, note_created)  # a new note is a change to its client
    users = skeleton.sizes["users"]
    skeleton.add("clients", n, status=status, created_at=created, updated_at=updated)
    skeleton.add(
        "notes",
        len(note_client),
        client_id=note_client,
        note_type=rng.choice(4, len(note_client), p=_NOTE_TYPE_SHARE),
        created_at=note_created,
        user_id=rng.integers(0, users, len(note_client)),
    )


def _proposals(skeleton: Skeleton, rng: np.random.Generator, end: int) -> None:
    clients = skeleton.columns["clients"]
    client_status, client_created = clients["status"], clients["created_at"]
    counts = rng.poisson(_PROPOSALS_PER_CLIENT[client_status])
    counts = np.where(client_status == 2, np.maximum(counts, 1), counts)  # a client has bought something
    parents = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
    created = _after(rng, client_created[parents], end)
    order = np.lexsort((parents, created))  # numbered in creation order across clients
    parents, created = parents[order], created[order]
    status = _choice(rng, _PROPOSAL_STATUS_SHARE[client_status[parents]])
    _, first = np.unique(parents, return_index=True)
    first = first[client_status[parents[first]] == 2]
    status[first] = PROPOSAL_STATUSES.index("approved")
    updated = np.minimum(end, created + (rng.random(len(created)) * 45 * DAY).astype(np.int64))
    skeleton.add("proposals", len(parents), client_id=parents, status=status, created_at=created, updated_at=updated)

    items = 1 + rng.binomial(4, 0.35, len(parents))
    item_proposal = np.repeat(np.arange(len(parents), dtype=np.int64), items)
    inventory = skeleton.sizes["inventory"]
    vehicle = rng.integers(0, inventory, len(item_proposal))
    schedule_counts = np.bincount(skeleton.columns["media_schedules"]["inventory_id"], minlength=inventory)
    schedule_offsets = np.concatenate([[0], np.cumsum(schedule_counts)[:-1]])
    pick = (rng.random(len(vehicle)) * schedule_counts[vehicle]).astype(np.int64)
    schedule = np.where(schedule_counts[vehicle] > 0, schedule_offsets[vehicle] + pick, NO_ROW)
    skeleton.add(
        "proposal_items", len(item_proposal), proposal_id=item_proposal, vehicle_id=vehicle, schedule_id=schedule
    )


def _deals(skeleton: Skeleton, rng: np.random.Generator, end: int) -> None:
    """Most clients got a deal when they were created (the API makes one in Prospecção), linked to their latest
    proposal; some have a second, unlinked one. A linked deal's stage is its proposal's status."""
    clients, proposals = skeleton.columns["clients"], skeleton.columns["proposals"]
    n = len(clients["status"])
    first = np.flatnonzero(rng.random(n) < 0.93)
    second = np.flatnonzero(rng.random(n) < 0.2)
    parents = np.concatenate([first, second])
    created = np.concatenate(
        [
            clients["created_at"][first] + rng.integers(1, 600, len(first)),
            _after(rng, clients["created_at"][second], end),
        ]
    )
    latest = _latest_child(proposals["client_id"], n)
    linked = np.concatenate([latest[first], np.full(len(second), NO_ROW)])
    order = np.lexsort((parents, created))
    parents, created, linked = parents[order], created[order], linked[order]

    stage = _choice(rng, _UNLINKED_STAGE_SHARE[clients["status"][parents]])
    has_proposal = linked != NO_ROW
    linked_status = proposals["status"][linked[has_proposal]]
    linked_stage = _STAGE_OF_STATUS[linked_status]
    draft = linked_status == 0
    linked_stage[draft] = rng.integers(0, 2, int(draft.sum()))  # Prospecção or Degustação
    stage[has_proposal] = linked_stage
    skeleton.add(
        "deals",
        len(parents),
        client_id=parents,
        proposal_id=linked,
        pipeline_stage=stage,
        user_id=rng.integers(0, skeleton.sizes["users"], len(parents)),
        created_at=created,
        updated_at=np.minimum(end, _after(rng, created, end, skew=2.0)),
    )


def _tasks(skeleton: Skeleton, rng: np.random.Generator, end: int) -> None:
    """Deadlines cluster around the end of the history: old tasks are mostly done, recent ones mostly pending."""
    deals = skeleton.columns["deals"]
    closed = np.isin(deals["pipeline_stage"], _CLOSED_STAGES)
    counts = np.minimum(rng.poisson(np.where(closed, 0.8, 1.8)), 6)
    parents, created = _children(rng, counts, deals["created_at"], end)
    n = len(parents)
    has_due = rng.random(n) < 0.9
    due = created + rng.integers(2 * HOUR, 14 * DAY, n)
    done_share = np.where(due < end - 2 * DAY, 0.95, np.where(due < end, 0.4, 0.08))
    done_share = np.where(has_due, done_share, 0.5)
    done_share = np.where(closed[parents], 0.97, done_share)
    done = rng.random(n) < done_share
    finished = np.minimum(np.where(has_due, due, end), end)
    updated = np.where(done, _after(rng, created, finished), created)  # completing a task changes it
    deal_updated = deals["updated_at"]
    np.maximum.at(deal_updated, parents, updated)  # a task's change is a change to its deal
    skeleton.add(
        "tasks",
        n,
        deal_id=parents,
        due_at=np.where(has_due, due, NO_INSTANT),
        is_completed=done.astype(np.int16),
        user_id=rng.integers(0, skeleton.sizes["users"], n),
        created_at=created,
        updated_at=updated,
    )
