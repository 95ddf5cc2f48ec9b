"""The non-column fields of generated records, built on demand from (seed, entity, row).

A builder reads its own row's columns (status, media type, owner) so the record agrees with what queries see, and
other records only through `generated_base` (what they were when generated): a proposal item's price is frozen at
the vehicle's price of the day, whatever the vehicle costs after a later change.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from simulators.core import ptbr
from simulators.core.documents import cnpj, cpf
from simulators.core.ptbr import slug
from simulators.hivestr import vocab
from simulators.hivestr.pricing import campaign_days
from simulators.hivestr.times import DAY, format_date, format_instant
from simulators.ploomes.values import mix, name_code

if TYPE_CHECKING:
    from simulators.hivestr.dataset import Dataset

Record = dict[str, Any]
Builder = Callable[["Dataset", int, random.Random], Record]
_CITY_COORDINATES = {name: (latitude, longitude) for name, _, latitude, longitude in ptbr.CITIES}
OWNER_DOMAIN = "midiaviva.com.br"  # the simulated media owner's staff e-mail domain


def row_random(ds: Dataset, entity: str, row: int) -> random.Random:
    return random.Random(mix(ds.seed, name_code(entity), row))


def person_name(rng: random.Random) -> str:
    surnames = rng.sample(ptbr.SURNAMES, 2 if rng.random() < 0.5 else 1)
    return " ".join((rng.choice(ptbr.FIRST_NAMES), *surnames))


def mailbox(name: str) -> str:
    """ "João da Silva" -> "joao.silva"."""
    parts = [slug(part) for part in name.split()]
    return f"{parts[0]}.{parts[-1]}" if len(parts) > 1 else parts[0]


def _street(rng: random.Random) -> str:
    return f"{rng.choice(ptbr.STREET_TYPES)} {rng.choice(ptbr.STREET_NAMES)}"


def _money(rng: random.Random, low_reais: int, high_reais: int, step_reais: int = 10) -> int:
    """Centavos, a round number of reais."""
    return rng.randrange(low_reais, high_reais + 1, step_reais) * 100


def build_user(ds: Dataset, row: int, rng: random.Random) -> Record:
    name = person_name(rng)
    return {"full_name": name, "email": f"{mailbox(name)}@{OWNER_DOMAIN}"}


def build_inventory(ds: Dataset, row: int, rng: random.Random) -> Record:
    table = ds.tables["inventory"]
    media, city = table.value(row, "media_type"), table.value(row, "city")
    screens = insertions = None
    if media == "DOOH":
        venue, environment = rng.choice(vocab.DOOH_VENUES)
        venue = venue.format(city=city)
        name = f"{rng.choice(vocab.DOOH_KINDS)} {venue}"
        display, dimensions = rng.choice(vocab.DOOH_FORMATS)
        screens = rng.choice((1, 1, 2, 2, 3, 4))
        insertions = rng.choice((30, 40, 50, 60, 80))
        description = f"{display} em {environment.lower()}: {venue}"
        base_price = _money(rng, 1_500, 25_000)
    elif media == "OOH":
        kind, display, dimensions = rng.choice(vocab.OOH_KINDS)
        name = f"{kind} {_street(rng)}"
        environment = rng.choice(vocab.OOH_ENVIRONMENTS)
        description = f"{kind} com iluminação, face voltada ao fluxo principal"
        base_price = _money(rng, 2_000, 12_000)
    else:
        stations = vocab.TV_STATIONS if media == "TV" else vocab.RADIO_STATIONS
        name = f"{rng.choice(stations)} {city} - {rng.choice(vocab.DAYPARTS)}"
        display, dimensions = ("Comercial 30s", None) if media == "TV" else ("Spot 30s", None)
        environment = "Televisão aberta" if media == "TV" else "Rádio FM"
        description = f"Inserções de {display.lower()} na grade da emissora"
        base_price = _money(rng, 5_000, 60_000, 100)
    discount = rng.choice((0, 0, 0, 5, 10, 15))
    latitude, longitude = _CITY_COORDINATES.get(city, (None, None))
    jitter = 0.05 if latitude is not None else 0.0
    return {
        "name": name,
        "address": f"{_street(rng)}, {rng.randint(1, 3999)}",
        "bairro": rng.choice(ptbr.NEIGHBORHOODS),
        "latitude": None if latitude is None else round(latitude + rng.uniform(-jitter, jitter), 6),
        "longitude": None if longitude is None else round(longitude + rng.uniform(-jitter, jitter), 6),
        "base_price": base_price,
        "unit_price": round(base_price / 30),  # the daily price; base_price is for 30 days
        "audience": rng.randrange(5_000, 400_000, 500),
        "format": display,
        "dimensions": dimensions,
        "description": description,
        "photo_url": f"https://storage.hivestr.com/inventory/{table.id_of(row)}.jpg" if rng.random() < 0.8 else None,
        "is_occupied": rng.random() < 0.3,
        "screen_quantity": screens,
        "environment": environment,
        "insertions_per_day": insertions,
        "total_daily_insertions": screens * insertions if screens and insertions else None,
        "discounted_price": round(base_price * (100 - discount) / 100) if discount else None,
        "discount_percentage": discount,
        "negotiation_margin_percentage": rng.choice((0, 5, 10, 15, 20)),
    }


def build_media_schedule(ds: Dataset, row: int, rng: random.Random) -> Record:
    table = ds.tables["media_schedules"]
    vehicle = table.raw(row, "inventory_id")
    is_tv = ds.tables["inventory"].value(vehicle, "media_type") == "TV"
    programs = vocab.TV_PROGRAMS if is_tv else vocab.RADIO_PROGRAMS
    # Each schedule of a vehicle gets its own programme: offset by the schedule's place among its siblings.
    first = mix(ds.seed, name_code("programme"), vehicle)
    program, start, end, days, social_class = programs[(first + table.sibling_rank(row)) % len(programs)]
    return {
        "run_days": list(days),
        "start_time": start,
        "end_time": end,
        "price_per_slot": _money(rng, 800, 15_000, 50) if is_tv else _money(rng, 150, 2_500, 10),
        "available_slots": rng.randint(4, 20),
        "program_name": program,
        "social_class": social_class,
        "audience": rng.randrange(20_000, 1_500_000, 1_000) if is_tv else rng.randrange(5_000, 300_000, 500),
        "is_active": rng.random() < 0.92,
    }


def build_client(ds: Dataset, row: int, rng: random.Random) -> Record:
    name = person_name(rng)
    city_name, ibge, _, _ = rng.choice(ptbr.CITIES)
    uf = next(uf for code, uf, _ in ptbr.STATES if code == ibge // 100_000)
    is_company = rng.random() < 0.75
    company = None
    if is_company:
        activity = rng.choice(ptbr.COMPANY_ACTIVITIES)[0]
        company = f"{rng.choice(ptbr.COMPANY_WORDS)} {activity} {rng.choice(ptbr.LEGAL_SUFFIXES)}"
        domain = slug(company.split()[0] + activity) + ".com.br"
        email = f"{mailbox(name)}@{domain}"
    else:
        email = f"{mailbox(name)}{rng.randint(1, 99)}@{rng.choice(ptbr.EMAIL_DOMAINS)}"
    ddd = ptbr.DDD[uf]
    return {
        "name": name,
        "email": email if rng.random() < 0.92 else None,
        "phone": f"({ddd}) 9{rng.randint(6000, 9999)}-{rng.randint(0, 9999):04d}" if rng.random() < 0.9 else None,
        "company_name": company,
        "cnpj": cnpj(rng) if is_company else None,
        "cpf": None if is_company else cpf(rng),
        "address": f"{_street(rng)}, {rng.randint(1, 3999)}",
        "city": city_name,
        "state": uf,
        "zip_code": f"{rng.randint(10_000, 99_999)}-{rng.randint(0, 999):03d}",
        "contact_person": name if is_company else None,
        "position": rng.choice(vocab.POSITIONS) if is_company else None,
        "notes": rng.choice(vocab.CLIENT_REMARKS) if rng.random() < 0.25 else None,
        "source": rng.choice(vocab.CLIENT_SOURCES),
    }


def build_note(ds: Dataset, row: int, rng: random.Random) -> Record:
    note_type = ds.tables["notes"].value(row, "note_type")
    return {
        "content": rng.choice(vocab.NOTE_CONTENTS[note_type]),
        "is_completed": note_type != "note" and rng.random() < 0.6,
    }


def build_proposal(ds: Dataset, row: int, rng: random.Random) -> Record:
    table = ds.tables["proposals"]
    created = table.raw(row, "created_at")
    start = (created // DAY + rng.randint(3, 45)) * DAY
    days = rng.choice((7, 14, 15, 21, 28, 30, 60))
    year = int(format_date(start)[:4])
    return {
        "proposal_number": f"PROP-{row + 1:04d}-{int(format_date(created)[2:4]):02d}",
        "title": f"{rng.choice(vocab.CAMPAIGNS)} {year}",
        "description": rng.choice(vocab.CAMPAIGN_DESCRIPTIONS) if rng.random() < 0.85 else None,
        "discount_percentage": rng.choice((0, 0, 5, 10, 15, 20)),
        "discount_value": 0,  # an absolute discount, used when discount_percentage is 0
        "valid_until": f"{format_date(created + 10 * DAY)}T23:59:59Z",
        "campaign_start_date": format_date(start),
        "campaign_end_date": format_date(start + (days - 1) * DAY),
        "bonus_days": rng.choice((0, 0, 0, 2, 3, 5)),
        "notes": rng.choice(vocab.PROPOSAL_NOTES) if rng.random() < 0.4 else None,
        "commercial_notes": rng.choice(vocab.COMMERCIAL_NOTES) if rng.random() < 0.5 else None,
        "created_via": "api" if rng.random() < 0.2 else "dashboard",
    }


def build_proposal_item(ds: Dataset, row: int, rng: random.Random) -> Record:
    table = ds.tables["proposal_items"]
    proposal = ds.tables["proposals"].generated_base(table.raw(row, "proposal_id"))
    vehicle_row = table.raw(row, "vehicle_id")
    vehicle = ds.tables["inventory"].generated_base(vehicle_row)
    media = ds.tables["inventory"].value(vehicle_row, "media_type")
    schedule_row = table.raw(row, "schedule_id")
    if schedule_row >= 0:  # TV and radio are sold by the slot
        unit_price = ds.tables["media_schedules"].generated_base(schedule_row)["price_per_slot"]
        quantity = rng.choice((5, 10, 10, 15, 20, 30, 60))
        gross = unit_price * quantity
    else:  # screens and boards by the day: unit_price is the 30-day price, the daily price times the days
        unit_price = vehicle["base_price"]
        quantity = campaign_days(proposal)
        gross = vehicle["unit_price"] * quantity
    is_bonus = rng.random() < 0.08
    discount = 0 if is_bonus else rng.choice((0, 0, 0, 5, 10))
    return {
        "quantity": quantity,
        "unit_price": unit_price,
        "discount_percentage": discount,
        "final_price": 0 if is_bonus else round(gross * (100 - discount) / 100),
        "is_bonus": is_bonus,
        "screen_quantity": vehicle["screen_quantity"],
        "notes": "Bonificação de inserções" if is_bonus else None,
        "face_details": {"face": rng.choice(("Fluxo", "Contra-Fluxo"))} if media == "OOH" else None,
    }


def build_deal(ds: Dataset, row: int, rng: random.Random) -> Record:
    table = ds.tables["deals"]
    client_row = table.raw(row, "client_id")
    clients = ds.tables["clients"]
    created = table.raw(row, "created_at")
    if created - clients.raw(client_row, "created_at") < 600:  # made with the client: the API's own title
        client = clients.generated_base(client_row)
        company = client["company_name"]
        title = f"{client['name']} — {company}" if company else client["name"]
    else:
        title = f"{rng.choice(vocab.DEAL_TITLES)} {format_instant(created)[:4]}"
    lost = table.value(row, "pipeline_stage") == "Perdido"
    return {
        "title": title,
        "estimated_value": rng.randint(50, 5_000) * 10_000 if rng.random() < 0.8 else None,
        "notes": rng.choice(vocab.DEAL_NOTES) if rng.random() < 0.3 else None,
        "lost_reason": rng.choice(vocab.LOST_REASONS) if lost else None,
    }


def build_task(ds: Dataset, row: int, rng: random.Random) -> Record:
    return {"title": rng.choice(vocab.TASK_TITLES)}


BUILDERS: dict[str, Builder] = {
    "users": build_user,
    "inventory": build_inventory,
    "media_schedules": build_media_schedule,
    "clients": build_client,
    "notes": build_note,
    "proposals": build_proposal,
    "proposal_items": build_proposal_item,
    "deals": build_deal,
    "tasks": build_task,
}
