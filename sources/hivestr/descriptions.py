"""What every Hivestr table and column holds: the texts of the `description` hints (sources/descriptions.py).

One entry per table of `entities.py`, child tables included, sourced from the Hivestr API documentation (the seed's
es text; the values themselves are pt-BR). Money is integer centavos everywhere, as the API sends it: divide by 100
for reais. A declared column with no text here fails tests/unit/test_descriptions.py; any column a load of the
simulator makes, tests/integration/test_documentation.py.
"""

from __future__ import annotations

from collections.abc import Mapping

from sources.descriptions import TableText, annotated

_UTC = "UTC"
_CENTAVOS = "in centavos (divide by 100 for R$)"
_RECORD = {
    "id": "The record's Hivestr id (a UUID); primary key",
    "created_at": f"When the record was created in Hivestr, {_UTC}",
    "updated_at": f"When the record last changed in Hivestr, {_UTC}",
}
_USER_OBJECT = "The responsible user as the API sends it: JSON {id, full_name}"

TABLES: dict[str, TableText] = {
    "inventory": TableText(
        'The media owner\'s out-of-home inventory ("inventario": panels, screens, TV and radio slots), one row per '
        "item, inactive ones included",
        {
            **_RECORD,
            "name": "The item's name",
            "media_type": "OOH (static), DOOH (digital screen), TV or RADIO",
            "city": "The city it is in",
            "state": "The state it is in (UF, e.g. DF)",
            "address": "Its street address",
            "bairro": "Its neighbourhood (bairro)",
            "latitude": "Latitude, in decimal degrees",
            "longitude": "Longitude, in decimal degrees",
            "base_price": f"The base price of a campaign period (two weeks, a bi-semana), {_CENTAVOS}",
            "unit_price": f"The price of one day, {_CENTAVOS}",
            "discounted_price": f"The base price after its standing discount, {_CENTAVOS}; null when none",
            "discount_percentage": "Its standing discount, in percent",
            "negotiation_margin_percentage": "How far below the price sellers may negotiate, in percent",
            "audience": "Its estimated audience, in people reached per day",
            "format": 'Its format (e.g. "LED 3x2m", "Spot 30s")',
            "dimensions": 'Its size, width x height in metres (as typed, e.g. "3x2")',
            "description": "Its description",
            "photo_url": "URL of its photo",
            "is_active": "Whether it is offered for sale",
            "is_occupied": "Whether it is booked now",
            "screen_quantity": "How many screens or faces it has (DOOH, OOH)",
            "environment": 'Where it stands (e.g. "Shopping Center", "Aeroporto")',
            "insertions_per_day": "DOOH: how many times a day one advertiser's spot is shown on each screen",
            "total_daily_insertions": "DOOH: insertions per day on all its screens (insertions x screens)",
        },
    ),
    "inventory_media_schedules": TableText(
        'The programme slots of TV and radio inventory ("media_schedules"), one row per slot; replaced with its item',
        {
            "id": "The slot's Hivestr id (a UUID); primary key",
            "inventory_id": "The TV or radio inventory item the slot belongs to",
            "run_days": "The weekdays it runs, a JSON list (0 Sunday, 1 Monday, ..., 6 Saturday)",
            "start_time": "When the slot starts, local time of day",
            "end_time": "When the slot ends, local time of day",
            "price_per_slot": f"The price of one insertion in the slot, {_CENTAVOS}",
            "available_slots": "How many insertions are still for sale",
            "program_name": "The programme it runs in",
            "social_class": 'The audience\'s social classes (e.g. "A,B")',
            "audience": "Its estimated audience, in people",
            "is_active": "Whether the slot is offered for sale",
        },
    ),
    "clients": TableText(
        'The media owner\'s clients ("clientes": advertisers and agencies), one row each, inactive ones included',
        {
            **_RECORD,
            "name": "The client's name (a person's, or the company's)",
            "email": "E-mail address",
            "phone": "Phone number, as typed",
            "company_name": "The client's company",
            "cnpj": "The company's CNPJ, formatted (12.345.678/0001-99)",
            "cpf": "A person's CPF, formatted (123.456.789-00)",
            "address": "Street address",
            "city": "City",
            "state": "State (UF, e.g. DF)",
            "zip_code": "Postal code (CEP), formatted",
            "contact_person": "The person to talk to at the client",
            "position": "That person's job title",
            "notes": "Free notes about the client",
            "status": "lead, prospect, client or inactive",
            "source": 'Where the client came from (e.g. "Website", "Indicação"; "API" when created through it)',
        },
    ),
    "client_notes": TableText(
        'Notes and follow-ups recorded on each client ("notas"), one row per note; replaced with its client',
        {
            "id": "The note's Hivestr id (a UUID); primary key",
            "client_id": "The client the note is about",
            "content": "What the note says",
            "note_type": "note, task, reminder or follow_up",
            "is_completed": "For a task or follow-up: whether it is done",
            "created_at": f"When the note was written, {_UTC}",
            "user_id": "The user who wrote it, from user.id",
            "user_name": "That user's name when the note was read, from user.full_name",
        },
    ),
    "proposals": TableText(
        'Proposals, the media plans quoted to clients ("propuestas"), one row each, every status included',
        {
            **_RECORD,
            "proposal_number": "The proposal's number (e.g. PROP-0123-24)",
            "title": "The proposal's title",
            "description": "The proposal's description",
            "status": "draft, sent, viewed, pre_approved, approved or rejected",
            "total_value": f"The sum of its items before the proposal's discount, {_CENTAVOS}",
            "discount_percentage": "The discount on the whole proposal, in percent",
            "discount_value": f"That discount as an amount, {_CENTAVOS}",
            "final_value": f"What the client pays: total_value - discount_value, {_CENTAVOS}",
            "valid_until": f"Until when the proposal's prices hold, {_UTC}",
            "campaign_start_date": "The campaign's first day",
            "campaign_end_date": "The campaign's last day",
            "bonus_days": "Days added to the campaign free of charge",
            "notes": "Internal notes (not shown to the client)",
            "commercial_notes": "Notes shown to the client",
            "created_via": "Where it was created: api or dashboard",
            "client_id": "The client it was made for, from client.id",
            "client_name": "The client's name when the proposal was read, from client.name",
        },
    ),
    "proposal_items": TableText(
        'The items of each proposal ("proposal_items"): an inventory item or a TV/radio slot, one row each; '
        "replaced with its proposal",
        {
            "id": "The item's Hivestr id (a UUID); primary key",
            "proposal_id": "The proposal the item belongs to",
            "vehicle_id": "The inventory item sold, from media_vehicle.id",
            "schedule_id": "For TV and radio: the programme slot sold",
            "quantity": "How many units are sold: days for OOH and DOOH, insertions for TV and radio",
            "unit_price": f"The price of one unit, {_CENTAVOS}",
            "discount_percentage": "The discount on this item, in whole percent",
            "final_price": f"What the item costs after its discount, {_CENTAVOS}",
            "is_bonus": "Whether the item is given free of charge",
            "screen_quantity": "DOOH: how many screens the item covers",
            "notes": "Notes on the item",
            "face_details": "OOH: the panel's faces sold, JSON as the API sends it (e.g. Fluxo, Contra-Fluxo)",
        },
    ),
    "pipeline_deals": TableText(
        'Cards of the sales pipeline ("tarjetas del pipeline"), one row per deal, won and lost ones included',
        {
            **_RECORD,
            "title": "The card's title",
            "client_id": "The client of the deal, from client.id",
            "client_name": "The client's name when the card was read, from client.name",
            "proposal_id": "The proposal linked to the card; its status follows the card's stage",
            "pipeline_stage": "The stage: Prospecção, Degustação, Proposta, Negociação, Aprovação, Ganho (won) or "
            "Perdido (lost)",
            "estimated_value": f"The deal's estimated value, {_CENTAVOS}",
            "notes": "Notes on the card",
            "user_id": "The user responsible for the card",
            "user": _USER_OBJECT,
            "lost_reason": "Why the deal was lost (set when it moved to Perdido)",
            "tasks_pending": "How many of its tasks are not done, from tasks_summary.pending",
            "tasks_total": "How many tasks it has, from tasks_summary.total",
            "tasks_overdue": "How many of its pending tasks are past due, from tasks_summary.overdue",
            "tasks_due_soon": "How many of its pending tasks fall due within 24 hours, from tasks_summary.due_soon",
            "tasks_next_due_at": f"When its next pending task falls due, {_UTC}, from tasks_summary.next_due_at",
        },
    ),
    "pipeline_deal_tasks": TableText(
        'The tasks of each pipeline card ("tareas"), one row per task; replaced with its card',
        {
            **_RECORD,
            "deal_id": "The card the task belongs to",
            "title": "What is to be done",
            "due_at": f"When it is due, {_UTC}; null when it has no deadline",
            "is_completed": "Whether it is done",
            "user_id": "The user it is assigned to",
            "user": _USER_OBJECT,
        },
    ),
    "pipeline_reminders": TableText(
        'The pipeline\'s reminders now ("recordatorios"): pending tasks overdue or due within 24 hours, as of the '
        "last load; tasks no longer listed are deleted",
        {
            "id": "The task's Hivestr id; primary key",
            "title": "What is to be done",
            "due_at": f"When it is due, {_UTC}",
            "urgency": "overdue (past due), due_today (today) or due_soon (within 24 hours), when the reminders were "
            "read",
            "deal_id": "The card the task belongs to",
            "deal_title": "The card's title",
            "pipeline_stage": "The card's stage",
            "client_name": "The card's client's name",
            "assignee_name": "The name of the user the task is assigned to",
        },
    ),
}


def table_text(table: str, references: Mapping[str, str]) -> TableText:
    """The texts of `table`, whose columns reference `references`: a referencing column's text names the table.
    Raises KeyError for a table not described here."""
    written = TABLES[table]
    columns = {column: annotated(text, None, references.get(column)) for column, text in written.columns.items()}
    return TableText(written.description, columns)
