"""Records generated on demand from (seed, entity, row): the same seed always gives the same data.

Each generated row draws its fields from its own `random.Random`, seeded by a hash of (seed, entity, row), so any
row can be built alone, in any order. References are drawn by hashing too (`pick`), and a reference another
entity must agree with (an order's contact is its deal's contact) comes from one shared function, so both sides
compute the same answer without building each other.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any

from simulators.core import ptbr
from simulators.core.documents import cnpj, cpf
from simulators.core.ptbr import slug
from simulators.ploomes import vocab
from simulators.ploomes.catalog import RawValue, SeededField
from simulators.ploomes.lookups import BRAZIL_ID, BRL_ID
from simulators.ploomes.values import (
    TICKS_PER_SECOND,
    format_ticks,
    mix,
    name_code,
    row_random,
)

if TYPE_CHECKING:
    from simulators.ploomes.dataset import Dataset

Record = dict[str, Any]
DAY = 86_400 * TICKS_PER_SECOND
_LOCAL_OFFSET = 3 * 3600 * TICKS_PER_SECOND  # -03:00
_CUSTOM_VALUES = 1  # the purpose salt of a row's custom-field random stream
_PRODUCTS = [
    (family, group, name, unit, price)
    for family, group, products in vocab.PRODUCT_LINES
    for name, unit, price in products
]


def midnight(ticks: int) -> int:
    """The start of the local (-03:00) day holding `ticks`: how Ploomes stores date-only fields."""
    return (ticks - _LOCAL_OFFSET) // DAY * DAY + _LOCAL_OFFSET


class Generator:
    """Shared by every generated entity; subclasses implement `fields(rng, row, record)`."""

    def __init__(self, dataset: Dataset, endpoint: str):
        self.ds = dataset
        self.endpoint = endpoint
        self.salt = name_code(endpoint)
        self.seed = dataset.seed

    @property
    def table(self):  # noqa: ANN201 - the Table (import cycle)
        return self.ds.tables[self.endpoint]

    def rng(self, row: int, purpose: int = 0) -> random.Random:
        return row_random(self.seed, self.salt, row, purpose)

    def pick_row(self, endpoint: str, purpose: str, row: int) -> int:
        """A generated row of `endpoint`, chosen by hash: any caller asking the same question gets the same row."""
        return mix(self.seed, self.salt, name_code(purpose), row) % self.ds.tables[endpoint].base_size

    def pick_id(self, endpoint: str, purpose: str, row: int) -> int:
        return int(self.ds.tables[endpoint].ids[self.pick_row(endpoint, purpose, row)])

    def lookup_id(self, rng: random.Random, endpoint: str) -> int:
        return rng.choice(self.ds.lookup_ids[endpoint])

    def user_id(self, rng: random.Random) -> int:
        return rng.choice(self.ds.active_user_ids)

    def build(self, row: int) -> Record:
        table = self.table
        created = int(table.column("CreateDate")[row])
        updated = int(table.column("LastUpdateDate")[row])
        record: Record = dict.fromkeys(table.entity.fields)
        record["Id"] = int(table.ids[row])
        self.fields(self.rng(row), row, record, created, updated)
        record["CreateDate"] = format_ticks(created)
        record["LastUpdateDate"] = format_ticks(updated)
        return record

    def fields(self, rng: random.Random, row: int, record: Record, created: int, updated: int) -> None:
        raise NotImplementedError

    def custom_values(self, row: int) -> list[RawValue]:
        """Values of the fields the catalog was seeded with; fields added later start empty."""
        entity_id = self.table.entity.custom_entity_id
        if entity_id is None:
            return []
        rng = self.rng(row, _CUSTOM_VALUES)
        values: list[RawValue] = []
        for field in self.ds.catalog.seeded.get(entity_id, ()):
            if rng.random() < field.fill:
                values += [(field.id, value) for value in self._custom_value(rng, field)]
        return values

    def _custom_value(self, rng: random.Random, field: SeededField) -> list[Any]:
        kind = field.kind
        anchor = self.ds.data_end
        if kind == "Option":
            options = field.option_ids
            if not options:
                return []
            if field.multiple:
                return rng.sample(options, rng.randint(1, min(3, len(options))))
            return [rng.choice(options)]
        if kind == "String":
            return [_short_text(rng, field.name)]
        if kind == "BigString":
            return [" ".join(rng.sample(vocab.SENTENCES, rng.randint(1, 3)))]
        if kind == "Integer":
            return [rng.randint(0, 500)]
        if kind == "Decimal":
            return [round(rng.uniform(10, 250_000), 2)]
        if kind == "Currency":
            return [(round(rng.uniform(100, 50_000), 2), BRL_ID)]
        if kind == "DateTime":
            return [midnight(anchor + rng.randint(-700, 400) * DAY)]
        if kind == "Bool":
            return [rng.random() < 0.5]
        if kind == "User":
            return [self.user_id(rng)]
        if kind == "Contact":
            return [int(self.ds.tables["Contacts"].ids[rng.randrange(self.ds.tables["Contacts"].base_size)])]
        if kind == "Product":
            return [int(self.ds.tables["Products"].ids[rng.randrange(self.ds.tables["Products"].base_size)])]
        return []

    # --- relations other entities must agree on -----------------------------------------------------------------
    def deal_of(self, purpose: str, row: int, share: float) -> tuple[int | None, int | None]:
        """(deal Id, its contact Id) for a record attached to a deal `share` of the time; (None, None) otherwise."""
        if mix(self.seed, self.salt, name_code(purpose + "?"), row) % 1000 >= share * 1000:
            return None, None
        deals = self.ds.generators["Deals"]
        deal_row = self.pick_row("Deals", purpose, row)
        return int(self.ds.tables["Deals"].ids[deal_row]), deals.contact_id(deal_row)

    def contact_id(self, purpose: str, row: int) -> int:
        return self.pick_id("Contacts", purpose, row)

    def person_id(self, rng: random.Random) -> int | None:
        persons = self.ds.person_rows
        if not len(persons) or rng.random() < 0.4:
            return None
        return int(self.ds.tables["Contacts"].ids[persons[rng.randrange(len(persons))]])


def _short_text(rng: random.Random, field_name: str) -> str:
    if "Email" in field_name:
        user = f"{slug(rng.choice(ptbr.FIRST_NAMES))}.{slug(rng.choice(ptbr.SURNAMES))}"
        return f"{user}@{rng.choice(ptbr.EMAIL_DOMAINS)}"
    if "Regi" in field_name:
        return rng.choice(("Grande São Paulo", "Interior", "Litoral", "Capital", "Região Metropolitana"))
    return f"{rng.choice('ABCDEFGHJKLMNPRSTUVWXZ')}{rng.choice('ABCDEFGHJKLMNPRSTUVWXZ')}-{rng.randint(1000, 99999)}"


def _mailbox(name: str) -> str:
    """ "João da Silva" -> "joao.silva"."""
    parts = [slug(part) for part in name.split()]
    return f"{parts[0]}.{parts[-1]}" if len(parts) > 1 else parts[0]


def _person_name(rng: random.Random) -> str:
    first = rng.choice(ptbr.FIRST_NAMES)
    surnames = rng.sample(ptbr.SURNAMES, 2 if rng.random() < 0.6 else 1)
    return " ".join((first, *surnames))


def _company(rng: random.Random) -> tuple[str, str, tuple[str, str, str]]:
    activity = rng.choice(ptbr.COMPANY_ACTIVITIES)
    word = rng.choice(ptbr.COMPANY_WORDS)
    name = f"{word} {activity[0]}"
    return name, f"{name} {rng.choice(ptbr.LEGAL_SUFFIXES)}", activity


def _phone(rng: random.Random, ddd: int, mobile: bool) -> str:
    if mobile:
        return f"({ddd}) 9{rng.randint(6000, 9999)}-{rng.randint(0, 9999):04d}"
    return f"({ddd}) {rng.randint(2000, 5999)}-{rng.randint(0, 9999):04d}"


def _between(rng: random.Random, low: int, high: int) -> int:
    return low if high <= low else rng.randint(low, high) // TICKS_PER_SECOND * TICKS_PER_SECOND


class Contacts(Generator):
    def city_row(self, row: int) -> int:
        return mix(self.seed, self.salt, 7, row) % len(self.ds.lookups["Cities"])

    def fields(self, rng: random.Random, row: int, record: Record, created: int, updated: int) -> None:
        is_company = bool(self.ds.is_company[row])
        city = self.ds.lookups["Cities"][self.city_row(row)]
        record["TypeId"] = 1 if is_company else 2
        if is_company:
            name, legal, (_, cnae_code, cnae_name) = _company(rng)
            record.update(
                Name=name,
                LegalName=legal,
                Register=cnpj(rng) if rng.random() < 0.9 else None,
                CNAECode=cnae_code,
                CNAEName=cnae_name,
                NumberOfEmployeesId=self.lookup_id(rng, "Contacts@NumbersOfEmployees"),
                LineOfBusinessId=self.lookup_id(rng, "Contacts@LinesOfBusiness"),
                Email=f"contato@{slug(name.replace(' ', ''))}.com.br" if rng.random() < 0.8 else None,
                Website=f"https://www.{slug(name.replace(' ', ''))}.com.br" if rng.random() < 0.6 else None,
                ClassId=self.lookup_id(rng, "Contacts@Classes") if rng.random() < 0.7 else None,
            )
        else:
            name = _person_name(rng)
            companies = self.ds.company_rows
            company_id = None
            if len(companies) and rng.random() < 0.7:
                company_id = int(self.table.ids[companies[rng.randrange(len(companies))]])
            record.update(
                Name=name,
                Register=cpf(rng) if rng.random() < 0.5 else None,
                CompanyId=company_id,
                RoleId=self.lookup_id(rng, "Roles") if company_id else None,
                DepartmentId=self.lookup_id(rng, "Departments") if company_id else None,
                Email=f"{_mailbox(name)}@{rng.choice(ptbr.EMAIL_DOMAINS)}" if rng.random() < 0.85 else None,
                Birthday=format_ticks(midnight(created - rng.randint(20, 65) * 365 * DAY))
                if rng.random() < 0.3
                else None,
                IdentityDocument=f"{rng.randint(10, 99)}.{rng.randint(100, 999)}.{rng.randint(100, 999)}-{row % 10}"
                if rng.random() < 0.2
                else None,
                Skype=f"live:{_mailbox(name)}{rng.randint(1, 999)}" if rng.random() < 0.05 else None,
            )
        record.update(
            StatusId=self.lookup_id(rng, "Contacts@Status"),
            RelationshipId=self.lookup_id(rng, "Contacts@Relationships") if rng.random() < 0.8 else None,
            OriginId=self.lookup_id(rng, "Contacts@Origins") if rng.random() < 0.75 else None,
            OwnerId=self.user_id(rng),
            Note=rng.choice(vocab.SENTENCES) if rng.random() < 0.3 else None,
            Facebook=f"https://facebook.com/{slug(name.replace(' ', ''))}" if rng.random() < 0.1 else None,
            StreetAddress=f"{rng.choice(ptbr.STREET_TYPES)} {rng.choice(ptbr.STREET_NAMES)}",
            StreetAddressNumber=str(rng.randint(1, 4999)),
            StreetAddressLine2=rng.choice(ptbr.LINE2) if rng.random() < 0.35 else None,
            Neighborhood=rng.choice(ptbr.NEIGHBORHOODS),
            # CEP as the seed guide's sample writes it: 8 digits as text (a leading zero in São Paulo's 01xxx-xxx)
            ZipCode=f"{(city['IBGECode'] % 90 + 1) * 1_000_000 + rng.randint(0, 999_999):08d}",
            CityId=city["Id"],
            CurrencyId=BRL_ID if rng.random() < 0.95 else self.lookup_id(rng, "Currencies"),
            EmailMarketing=rng.random() < 0.6,
            Latitude=round(city["Latitude"] + rng.uniform(-0.08, 0.08), 6),
            Longitude=round(city["Longitude"] + rng.uniform(-0.08, 0.08), 6),
            Key=f"ERP-{record['Id'] % 10_000_000:07d}" if rng.random() < 0.4 else None,
            AvatarUrl=f"https://stgploomescrmprd01.blob.core.windows.net/avatars/{record['Id']}.png"
            if rng.random() < 0.15
            else None,
            CreatorId=self.user_id(rng),
            UpdaterId=self.user_id(rng),
        )
        ddd = ptbr.DDD[ptbr.STATES[[s[0] for s in ptbr.STATES].index(city["StateId"])][1]]
        record["Phones"] = [
            {"Id": record["Id"] * 10 + k, "PhoneNumber": _phone(rng, ddd, mobile), "TypeId": 2 if mobile else 1,
             "CountryId": BRAZIL_ID}
            for k, mobile in enumerate(rng.random() < 0.6 for _ in range(rng.choice((0, 1, 1, 1, 2, 2, 3))))
        ]  # fmt: skip
        tags = self.ds.lookup_ids["Tags"]
        record["Tags"] = sorted(rng.sample(tags, rng.choice((0, 0, 0, 1, 1, 2)))) if tags else []


class Deals(Generator):
    def contact_id(self, row: int) -> int:  # type: ignore[override]
        """The deal's contact; orders, quotes, tasks and documents of this deal use the same one."""
        return self.pick_id("Contacts", "deal-contact", row)

    def fields(self, rng: random.Random, row: int, record: Record, created: int, updated: int) -> None:
        lookups = self.ds.lookups
        pipeline = rng.choice(self.ds.active_pipelines)
        stages = [s for s in lookups["Deals@Stages"] if s["PipelineId"] == pipeline["Id"]]
        status = rng.choices((1, 2, 3), weights=(60, 25, 15))[0]
        stage = stages[-1] if status == 2 else rng.choice(stages)
        reasons = [r["Id"] for r in lookups["Deals@LossReasons"] if r["PipelineId"] == pipeline["Id"]]
        contact_products = self.ds.tables["Contacts@Products"]
        record.update(
            Title=f"{rng.choice(vocab.DEAL_TITLES)} - {rng.choice(ptbr.COMPANY_WORDS)}",
            ContactId=self.contact_id(row),
            PersonId=self.person_id(rng),
            StatusId=status,
            PipelineId=pipeline["Id"],
            StageId=stage["Id"],
            LastStageId=stage["Id"] if status != 3 else rng.choice(stages)["Id"],
            LossReasonId=rng.choice(reasons) if status == 3 and reasons else None,
            OriginId=self.lookup_id(rng, "Contacts@Origins") if rng.random() < 0.5 else None,
            OwnerId=self.user_id(rng),
            CurrencyId=BRL_ID if rng.random() < 0.97 else self.lookup_id(rng, "Currencies"),
            Amount=round(rng.uniform(500, 250_000), 2) if rng.random() < 0.9 else 0.0,
            OriginDealId=int(self.table.ids[rng.randrange(row)]) if row and rng.random() < 0.05 else None,
            DealNumber=row + 1,
            ContactProductId=int(contact_products.ids[rng.randrange(contact_products.base_size)])
            if rng.random() < 0.1
            else None,
            StartDate=format_ticks(created),
            FinishDate=format_ticks(_between(rng, created, updated)) if status != 1 else None,
            CreatorId=self.user_id(rng),
        )


def _line_items(gen: Generator, rng: random.Random, record: Record, parent_column: str) -> float:
    """Fills record["Products"]; returns the total."""
    products = gen.ds.tables["Products"]
    catalog = gen.ds.generators["Products"]
    items, total = [], 0.0
    for k in range(rng.choice((1, 1, 2, 2, 3, 4, 5))):
        product_row = rng.randrange(products.base_size)
        price = catalog.unit_price(product_row)
        quantity = float(rng.choice((1, 1, 1, 2, 3, 5, 10, 12, 20)))
        discount = float(rng.choice((0, 0, 0, 5, 10, 15)))
        line_total = round(quantity * price * (1 - discount / 100), 2)
        total += line_total
        items.append(
            {"Id": record["Id"] * 10 + k, parent_column: record["Id"], "ProductId": int(products.ids[product_row]),
             "Quantity": quantity, "UnitPrice": price, "Discount": discount, "Total": line_total,
             "Bonus": 0.0 if rng.random() < 0.95 else 1.0}
        )  # fmt: skip
    record["Products"] = items
    return round(total, 2)


class Orders(Generator):
    def fields(self, rng: random.Random, row: int, record: Record, created: int, updated: int) -> None:
        deal_id, contact_id = self.deal_of("order-deal", row, 0.8)
        quotes = self.ds.tables["Quotes"]
        shared = rng.random() < 0.3
        amount = _line_items(self, rng, record, "OrderId")
        record.update(
            OrderNumber=row + 1,
            Date=format_ticks(midnight(created)),
            ContactId=contact_id or self.contact_id("order-contact", row),
            PersonId=self.person_id(rng),
            StageId=self.lookup_id(rng, "Orders@Stages"),
            DealId=deal_id,
            OwnerId=self.user_id(rng),
            CurrencyId=BRL_ID,
            Amount=amount,
            Discount=float(rng.choice((0, 0, 0, 2, 5))),
            InternalComments=rng.choice(vocab.SENTENCES) if rng.random() < 0.3 else None,
            Description=rng.choice(vocab.SENTENCES) if rng.random() < 0.5 else None,
            Key=f"PED-{record['Id']}",
            AgentId=self.user_id(rng) if rng.random() < 0.2 else None,
            Commission=float(rng.choice((0, 2, 3, 5))),
            TemplateId=rng.choice((1_401, 1_402, None)),
            Shared=shared,
            ExternallyAccepted=shared and rng.random() < 0.5,
            ExternalNotifications=shared,
            ExternalSharingDate=format_ticks(_between(rng, created, updated)) if shared else None,
            DocumentUrl=f"https://documents.ploomes.com/v/{record['Id']:x}" if shared else None,
            ApprovalStatusId=self.lookup_id(rng, "Quotes@ApprovalStatus"),
            ApprovalLevelId=rng.choice((None, 1, 2)),
            OriginQuoteId=int(quotes.ids[rng.randrange(quotes.base_size)]) if rng.random() < 0.3 else None,
            FileName=f"Pedido_{row + 1}.pdf",
        )


class Quotes(Generator):
    def fields(self, rng: random.Random, row: int, record: Record, created: int, updated: int) -> None:
        deal_id, contact_id = self.deal_of("quote-deal", row, 0.95)
        shared = rng.random() < 0.5
        amount = _line_items(self, rng, record, "QuoteId")
        record.update(
            QuoteNumber=row + 1,
            Date=format_ticks(midnight(created)),
            DealId=deal_id,
            ContactId=contact_id or self.contact_id("quote-contact", row),
            PersonId=self.person_id(rng),
            OwnerId=self.user_id(rng),
            CurrencyId=BRL_ID,
            Amount=amount,
            TemplateId=rng.choice((1_301, 1_302, 1_303)),
            ApprovalStatusId=self.lookup_id(rng, "Quotes@ApprovalStatus"),
            Shared=shared,
            ExternalNotifications=shared and rng.random() < 0.7,
            ExternalSharingDate=format_ticks(_between(rng, created, updated)) if shared else None,
            LastReviewId=record["Id"] * 10 + rng.randint(0, 3),
        )


class Tasks(Generator):
    def fields(self, rng: random.Random, row: int, record: Record, created: int, updated: int) -> None:
        deal_id, contact_id = self.deal_of("task-deal", row, 0.5)
        due = created + rng.randint(0, 30 * 24) * 3600 * TICKS_PER_SECOND
        repeats = rng.random() < 0.1
        record.update(
            Title=rng.choice(vocab.TASK_TITLES),
            Description=rng.choice(vocab.SENTENCES) if rng.random() < 0.5 else None,
            TypeId=self.lookup_id(rng, "Tasks@Types"),
            ContactId=contact_id or (self.contact_id("task-contact", row) if rng.random() < 0.9 else None),
            DealId=deal_id,
            OwnerId=self.user_id(rng),
            DateTime=format_ticks(due),
            Finished=due < self.ds.data_end and rng.random() < 0.8,
            Lenght=rng.choice((15, 30, 30, 60, 90)),
            RepeatIntervalLength=rng.randint(1, 4) if repeats else None,
            RepeatIntervalUnitId=self.lookup_id(rng, "Tasks@RepeatIntervalUnits") if repeats else None,
            EmailReminderId=self.lookup_id(rng, "Tasks@EmailReminders"),
        )


class InteractionRecords(Generator):
    def fields(self, rng: random.Random, row: int, record: Record, created: int, updated: int) -> None:
        deal_id, contact_id = self.deal_of("interaction-deal", row, 0.4)
        type_id = self.lookup_id(rng, "Tasks@Types")
        city = self.ds.lookups["Cities"][rng.randrange(len(self.ds.lookups["Cities"]))]
        is_email, is_visit = type_id == 2, type_id == 4
        record.update(
            ContactId=contact_id or self.contact_id("interaction-contact", row),
            DealId=deal_id,
            OwnerId=self.user_id(rng),
            Date=format_ticks(created),
            TypeId=type_id,
            Title=rng.choice(vocab.INTERACTION_TITLES),
            Content=" ".join(rng.sample(vocab.SENTENCES, rng.randint(1, 3))),
            Latitude=round(city["Latitude"] + rng.uniform(-0.05, 0.05), 6) if is_visit else None,
            Longitude=round(city["Longitude"] + rng.uniform(-0.05, 0.05), 6) if is_visit else None,
            EmailRecipients=f"{slug(rng.choice(ptbr.FIRST_NAMES))}@{rng.choice(ptbr.EMAIL_DOMAINS)}"
            if is_email
            else None,
            EmailSubject=f"Re: {rng.choice(vocab.DEAL_TITLES)}" if is_email else None,
        )


class Documents(Generator):
    def fields(self, rng: random.Random, row: int, record: Record, created: int, updated: int) -> None:
        deal_id, contact_id = self.deal_of("document-deal", row, 0.7)
        shared = rng.random() < 0.4
        quotes = self.ds.tables["Quotes"]
        kind = rng.choice(("Contrato de Prestação de Serviços", "Termo de Aceite", "Aditivo Contratual", "NDA"))
        record.update(
            Name=f"{kind} nº {row + 1}",
            DocumentNumber=row + 1,
            Date=format_ticks(midnight(created)),
            TemplateId=rng.choice((1_501, 1_502)),
            ContactId=contact_id or self.contact_id("document-contact", row),
            PersonId=self.person_id(rng),
            DealId=deal_id,
            OwnerId=self.user_id(rng),
            Key=f"DOC-{record['Id']}",
            Shared=shared,
            ExternallyAccepted=shared and rng.random() < 0.6,
            ExternalNotifications=shared,
            ExternalSharingDate=format_ticks(_between(rng, created, updated)) if shared else None,
            DocumentUrl=f"https://documents.ploomes.com/v/{record['Id']:x}" if shared else None,
            ApprovalStatusId=self.lookup_id(rng, "Quotes@ApprovalStatus"),
            ApprovalLevelId=rng.choice((None, 1)),
            OriginQuoteId=int(quotes.ids[rng.randrange(quotes.base_size)]) if rng.random() < 0.2 else None,
            CurrencyId=BRL_ID,
            FileName=f"{slug(kind.replace(' ', '_'))}_{row + 1}.pdf",
        )


class Leads(Generator):
    def fields(self, rng: random.Random, row: int, record: Record, created: int, updated: int) -> None:
        name = _person_name(rng)
        company, _, _ = _company(rng)
        converted = rng.random() < 0.3
        deal_id, contact_id = self.deal_of("lead-deal", row, 0.2) if converted else (None, None)
        record.update(
            Name=name,
            CompanyName=company,
            Email=f"{_mailbox(name)}@{slug(company.replace(' ', ''))}.com.br",
            Phone=_phone(rng, rng.choice(list(ptbr.DDD.values())), True),
            OriginId=self.lookup_id(rng, "Contacts@Origins"),
            OwnerId=self.user_id(rng),
            ContactId=contact_id or (self.contact_id("lead-contact", row) if converted else None),
            DealId=deal_id,
            StatusId=3 if converted else rng.choice((1, 2, 4)),
        )


class Products(Generator):
    def unit_price(self, row: int) -> float:
        _, _, _, _, price = _PRODUCTS[row % len(_PRODUCTS)]
        return round(price * (1 + 0.05 * (row // len(_PRODUCTS) % 6)), 2)

    def fields(self, rng: random.Random, row: int, record: Record, created: int, updated: int) -> None:
        family, group, name, unit, _ = _PRODUCTS[row % len(_PRODUCTS)]
        variant = vocab.PRODUCT_VARIANTS[row // len(_PRODUCTS) % len(vocab.PRODUCT_VARIANTS)]
        serial = row // (len(_PRODUCTS) * len(vocab.PRODUCT_VARIANTS))
        groups = {g["Name"]: g for g in self.ds.lookups["Products@Groups"]}
        record.update(
            Name=name + variant + (f" ({serial + 1})" if serial else ""),
            Code=f"PRD-{row + 1:05d}",
            GroupId=groups[group]["Id"],
            FamilyId=groups[group]["FamilyId"],
            MeasurementUnit=unit,
            ImageUrl=f"https://stgploomescrmprd01.blob.core.windows.net/products/{record['Id']}.jpg"
            if rng.random() < 0.4
            else None,
            CurrencyId=BRL_ID,
            UnitPrice=self.unit_price(row),
        )


class Users(Generator):
    def fields(self, rng: random.Random, row: int, record: Record, created: int, updated: int) -> None:
        integration = row == 0
        suspended = row in (self.table.base_size - 1, self.table.base_size - 2)
        name = "Integração ERP" if integration else _person_name(rng)
        mailbox = _mailbox(name)
        profiles = self.ds.lookup_ids["Users@Profiles"]
        record.update(
            Name=name,
            Email=f"{mailbox}@aliancatecnologia.com.br",
            RoleId=None if integration else self.lookup_id(rng, "Roles"),
            ProfileId=profiles[-1] if integration else profiles[0 if row == 1 else rng.randrange(1, 3)],
            AvatarUrl=None if integration else f"https://stgploomescrmprd01.blob.core.windows.net/u/{record['Id']}.jpg",
            Phone=None if integration else _phone(rng, 11, True),
            Language="pt-BR",
            Facebook=None,
            LinkedIn=f"https://www.linkedin.com/in/{mailbox.replace('.', '-')}" if rng.random() < 0.5 else None,
            SuspensionReasonId=self.lookup_id(rng, "Users@SuspensionReasons") if suspended else None,
            SuspensionReasonComments="Desligamento registrado pelo RH" if suspended else None,
            Integration=integration,
            NativeIntegration=False,
            Courtesy=False,
            Suspended=suspended,
            UpdateDate=format_ticks(updated),
        )


class ContactProducts(Generator):
    def build(self, row: int) -> Record:
        rng = self.rng(row)
        table = self.table
        created = self.ds.data_start + (self.ds.data_end - self.ds.data_start) * row // max(1, table.base_size)
        return {
            "Id": int(table.ids[row]),
            "ContactId": self.contact_id("contact-product-contact", row),
            "ProductId": self.pick_id("Products", "contact-product", row),
            "Quantity": float(rng.randint(1, 50)),
            "CreateDate": format_ticks(created // TICKS_PER_SECOND * TICKS_PER_SECOND),
        }


class ProductParts(Generator):
    def build(self, row: int) -> Record:
        products = self.ds.tables["Products"]
        product_row = self.pick_row("Products", "part-of", row)
        part_row = (product_row + 1 + mix(self.seed, row) % (products.base_size - 1)) % products.base_size
        return {
            "Id": int(self.table.ids[row]),
            "ProductId": int(products.ids[product_row]),
            "PartProductId": int(products.ids[part_row]),
            "Quantity": float(1 + mix(self.seed, self.salt, row) % 4),
        }


GENERATORS: dict[str, type[Generator]] = {
    "Contacts": Contacts,
    "Deals": Deals,
    "Leads": Leads,
    "Orders": Orders,
    "Quotes": Quotes,
    "Tasks": Tasks,
    "InteractionRecords": InteractionRecords,
    "Documents": Documents,
    "Products": Products,
    "Users": Users,
    "Contacts@Products": ContactProducts,
    "Products@Parts": ProductParts,
}
