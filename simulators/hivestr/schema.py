"""What each stored entity holds: its fields in API order, which of them live in numpy columns, who owns it.

Columns are what lists filter, order, count or join on (statuses, parents, dates); every other field is generated
on demand from the row's seed, or stored whole once the record changes. Computed fields (a proposal's totals, a
deal's tasks_summary, embedded clients and vehicles) are not stored at all: views.py derives them when rendering.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from simulators.core.ptbr import CITIES, STATES

MEDIA_TYPES = ("DOOH", "OOH", "TV", "RADIO")
BROADCAST_MEDIA = ("TV", "RADIO")  # sold by programme slot: they carry media_schedules
CLIENT_STATUSES = ("lead", "prospect", "client", "inactive")
NOTE_TYPES = ("note", "task", "reminder", "follow_up")
# pre_approved is no documented filter value: only moving a deal to Aprovação puts its proposal there.
PROPOSAL_STATUSES = ("draft", "sent", "viewed", "pre_approved", "approved", "rejected")
STAGES = ("Prospecção", "Degustação", "Proposta", "Negociação", "Aprovação", "Ganho", "Perdido")
LOST = "Perdido"  # only mark-lost puts a card there, and it cannot move or change after
# The proposal status a deal's stage implies (the doc's stage table); moving a deal syncs its proposal.
STAGE_PROPOSAL_STATUS = MappingProxyType(
    {
        "Prospecção": "draft",
        "Degustação": "draft",
        "Proposta": "sent",
        "Negociação": "viewed",
        "Aprovação": "pre_approved",
        "Ganho": "approved",
        "Perdido": "rejected",
    }
)
BOOLEANS = (False, True)
CITY_NAMES = tuple(city[0] for city in CITIES)
_UF_BY_IBGE = {code: uf for code, uf, _ in STATES}
CITY_UFS = tuple(_UF_BY_IBGE[city[1] // 100_000] for city in CITIES)
UFS = tuple(uf for _, uf, _ in STATES)


@dataclass(frozen=True)
class Column:
    kind: str  # "category" (interned values), "instant" (epoch seconds) or "ref" (a row of `target`)
    values: tuple[Any, ...] = ()  # category: the values allowed, in code order
    open: bool = False  # category: any other value is interned too (city names)
    target: str | None = None  # ref: the entity referred to
    set_null_on_delete: bool = False  # ref: deleting the target clears it (otherwise the reference dangles)


def _category(values: tuple[Any, ...], any_value: bool = False) -> Column:
    return Column("category", values, open=any_value)


def _ref(target: str, set_null_on_delete: bool = False) -> Column:
    return Column("ref", target=target, set_null_on_delete=set_null_on_delete)


INSTANT = Column("instant")
DATED = MappingProxyType({"created_at": INSTANT, "updated_at": INSTANT})


@dataclass(frozen=True)
class Spec:
    name: str
    fields: tuple[str, ...]  # the stored record, "id" first
    columns: MappingProxyType[str, Column] = field(default_factory=lambda: MappingProxyType({}))
    parent: str | None = None  # the ref column of the owner: children are listed per owner and deleted with it
    bumps_parent: bool = False  # a change to this record is a change to its owner (its updated_at moves)
    required: tuple[str, ...] = ()  # fields an insert must give
    defaults: MappingProxyType[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def dated(self) -> bool:
        return "updated_at" in self.columns


def _spec(name: str, fields: str, columns: dict[str, Column], **options: Any) -> Spec:
    defaults = MappingProxyType(options.pop("defaults", {}))
    return Spec(name, tuple(fields.split()), MappingProxyType(columns), defaults=defaults, **options)


# fmt: off
SPECS: dict[str, Spec] = {spec.name: spec for spec in (
    _spec("users", "id full_name email", {}),
    _spec(
        "inventory",
        "id name media_type city state address bairro latitude longitude base_price unit_price audience format "
        "dimensions description photo_url is_active is_occupied screen_quantity environment insertions_per_day "
        "total_daily_insertions discounted_price discount_percentage negotiation_margin_percentage created_at "
        "updated_at",
        {
            "media_type": _category(MEDIA_TYPES), "city": _category(CITY_NAMES, any_value=True),
            "state": _category(UFS, any_value=True), "is_active": _category(BOOLEANS), **DATED,
        },
        required=("name", "media_type"),
        defaults={"is_active": True, "is_occupied": False, "discount_percentage": 0,
                  "negotiation_margin_percentage": 0},
    ),
    _spec(
        "media_schedules",
        "id inventory_id run_days start_time end_time price_per_slot available_slots program_name social_class "
        "audience is_active",
        {"inventory_id": _ref("inventory")},
        parent="inventory_id", bumps_parent=True,
        required=("inventory_id", "start_time", "end_time", "price_per_slot"),
        defaults={"run_days": [1, 2, 3, 4, 5], "available_slots": 10, "is_active": True},
    ),
    _spec(
        "clients",
        "id name email phone company_name cnpj cpf address city state zip_code contact_person position notes "
        "status source created_at updated_at",
        {"status": _category(CLIENT_STATUSES), **DATED},
        required=("name",),
        defaults={"status": "lead", "source": "API"},
    ),
    _spec(
        "notes",
        "id client_id content note_type is_completed created_at user_id",
        {
            "client_id": _ref("clients"), "note_type": _category(NOTE_TYPES), "created_at": INSTANT,
            "user_id": _ref("users"),
        },
        parent="client_id", bumps_parent=True,
        required=("client_id", "content"),
        defaults={"note_type": "note", "is_completed": False},
    ),
    _spec(
        "proposals",
        "id proposal_number title description status discount_percentage discount_value valid_until "
        "campaign_start_date campaign_end_date bonus_days notes commercial_notes created_at updated_at created_via "
        "client_id",
        {"client_id": _ref("clients"), "status": _category(PROPOSAL_STATUSES), **DATED},
        parent="client_id",
        required=("client_id", "title", "campaign_start_date", "campaign_end_date"),
        defaults={"status": "draft", "discount_percentage": 0, "discount_value": 0, "bonus_days": 0,
                  "created_via": "api"},
    ),
    _spec(
        "proposal_items",
        "id proposal_id vehicle_id schedule_id quantity unit_price discount_percentage final_price is_bonus "
        "screen_quantity notes face_details",
        {
            "proposal_id": _ref("proposals"), "vehicle_id": _ref("inventory"),
            "schedule_id": _ref("media_schedules"),
        },
        parent="proposal_id", bumps_parent=True,
        required=("proposal_id", "vehicle_id"),
        defaults={"quantity": 1, "discount_percentage": 0, "is_bonus": False},
    ),
    _spec(
        "deals",
        "id title client_id proposal_id pipeline_stage estimated_value notes user_id lost_reason created_at "
        "updated_at",
        {
            "client_id": _ref("clients"), "proposal_id": _ref("proposals", set_null_on_delete=True),
            "pipeline_stage": _category(STAGES), "user_id": _ref("users"), **DATED,
        },
        parent="client_id",
        required=("client_id", "title"),
        defaults={"pipeline_stage": "Prospecção"},
    ),
    _spec(
        "tasks",
        "id deal_id title due_at is_completed user_id created_at updated_at",
        {
            "deal_id": _ref("deals"), "due_at": INSTANT, "is_completed": _category(BOOLEANS),
            "user_id": _ref("users"), **DATED,
        },
        parent="deal_id", bumps_parent=True,
        required=("deal_id", "title"),
        defaults={"is_completed": False},
    ),
)}
# fmt: on
ENTITIES = tuple(name for name in SPECS if name != "users")  # what tests and the admin routes may change
