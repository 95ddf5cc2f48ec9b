"""The ERP's records as typed Python values, generated from a seed: the contract's fields, pt-BR content.

Types carry meaning for the wire (simulators/erp/wire.py): Decimal is money, date a date, bool an S/N flag, int and
float numbers, None a missing value. A client's data comes from a random stream of its own (seed and CPF/CNPJ), so
adding or removing other registers never changes it.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from simulators.core import ptbr
from simulators.core.documents import cnpj, cpf, digits_only
from simulators.erp import vocab

Record = dict[str, Any]
# Generated dates fall before this day: fixed, so the data do not depend on the day they are generated.
REFERENCE_DAY = date(2026, 1, 1)
CENTS = Decimal("0.01")

CLIENT_FIELDS = (
    "id_cliente", "nome", "fantasia", "tipo_pessoa", "cnpj_cpf", "ie_identidade", "rg_orgao_emissor",
    "inscricao_municipal", "contribuinte_icms", "nacionalidade", "cidade_naturalidade", "estado_nascimento",
    "data_nascimento", "estado_civil", "ativo", "Sexo", "profissao", "data_cadastro", "cep", "endereco", "numero",
    "complemento", "bairro", "cidade", "uf", "latitude", "longitude", "fone", "telefone_comercial",
    "telefone_celular", "whatsapp", "email", "obs", "alerta",
)  # fmt: skip
INSTALLATION_FIELDS = (
    "id_instalacao", "cep", "endereco", "numero", "complemento", "bairro", "cidade", "uf", "latitude", "longitude",
    "obs",
)  # fmt: skip
SERVICE_FIELDS = ("id_servico", "nome", "descricao", "valor", "status", "obs")
# Every list's fields, key first. Cities keep both spellings' material; simulators/erp/views.py picks one.
LIST_FIELDS = {
    "products": ("id_servico", "nome", "descricao", "valor", "obs"),
    "resellers": ("id_revendedor", "nome", "obs"),
    "departments": ("id_departamento", "nome", "obs"),
    "due_dates": ("id_vencimento", "data", "obs"),
    "origins": ("id_origem", "nome", "obs"),
    "cities": ("id_cidade", "nome", "uf", "codigo_ibge", "obs"),
    "prospect_statuses": ("status_prospeccao", "nome", "obs"),
}
MONEY_FIELDS = frozenset({"valor"})
DATE_FIELDS = frozenset({"data_nascimento", "data_cadastro"})
FLAG_FIELDS = frozenset({"contribuinte_icms", "ativo"})

_UF_BY_STATE_CODE = {code: uf for code, uf, _ in ptbr.STATES}
_COORDINATES = {name: (latitude, longitude) for name, _, latitude, longitude in ptbr.CITIES}


def money(value: Any) -> Decimal:
    return Decimal(str(value)).quantize(CENTS)


def formatted_register(digits: str) -> str:
    """A CPF as 000.000.000-00, a CNPJ as 00.000.000/0000-00: how the ERP stores them."""
    d = digits
    return f"{d[:3]}.{d[3:6]}.{d[6:9]}-{d[9:]}" if len(d) == 11 else f"{d[:2]}.{d[2:5]}.{d[5:8]}/{d[8:12]}-{d[12:]}"


def client_stream(seed: int, digits: str) -> random.Random:
    return random.Random(f"erp-client:{seed}:{digits}")


def extra_registers(rng: random.Random, count: int, taken: set[str]) -> Iterator[str]:
    """`count` CPF/CNPJ digit strings, none in `taken`: three people to two companies."""
    made = 0
    while made < count:
        digits = digits_only(cpf(rng) if rng.random() < 0.6 else cnpj(rng))
        if digits not in taken:
            taken.add(digits)
            made += 1
            yield digits


# --- lists ------------------------------------------------------------------------------------------------------
def products(rng: random.Random, count: int) -> list[Record]:
    records = []
    for index in range(count):
        name, description, price = vocab.PRODUCTS[index % len(vocab.PRODUCTS)]
        round_ = index // len(vocab.PRODUCTS)
        if round_:
            segment, factor = vocab.SEGMENTS[(round_ - 1) % len(vocab.SEGMENTS)]
            cycle = (round_ - 1) // len(vocab.SEGMENTS)
            name = f"{name} {segment}" + (f" {cycle + 1}" if cycle else "")
            price = Decimal(price) * Decimal(factor)
        records.append(
            {
                "id_servico": index + 1,
                "nome": name,
                "descricao": description,
                "valor": money(price),
                "obs": rng.choice(vocab.PRODUCT_NOTES),
            }
        )
    return records


def named_list(key: str, names: tuple[str, ...], count: int, rng: random.Random) -> list[Record]:
    """`count` records `{key: n, "nome": ..., "obs": ...}`; past the vocabulary, names gain a number."""
    records = []
    for index in range(count):
        name = names[index % len(names)]
        if index >= len(names):
            name = f"{name} {index // len(names) + 1}"
        obs = "Inativo para novos cadastros" if rng.random() < 0.15 else None
        records.append({key: index + 1, "nome": name, "obs": obs})
    return records


def due_dates(count: int) -> list[Record]:
    """Days of the month clients pay on: 5, 10, ... then the other days up to 28."""
    days = [*vocab.DUE_DAYS, *(day for day in range(1, 29) if day not in vocab.DUE_DAYS)][:count]
    return [
        {"id_vencimento": index + 1, "data": day, "obs": f"Vencimento todo dia {day}"}
        for index, day in enumerate(sorted(days))
    ]


def cities(rng: random.Random, count: int) -> list[Record]:
    """`count` real cities (IBGE codes), each with the ERP's own code, `id_cidade`."""
    chosen = rng.sample(ptbr.CITIES, count)
    return [
        {
            "id_cidade": 100 + index * 3,
            "nome": name,
            "uf": _UF_BY_STATE_CODE[ibge // 100_000],
            "codigo_ibge": ibge,
            "obs": "Atendimento via rádio" if rng.random() < 0.2 else None,
        }
        for index, (name, ibge, _, _) in enumerate(chosen)
    ]


def prospect_statuses() -> list[Record]:
    return [
        {"status_prospeccao": index + 1, "nome": name, "obs": None}
        for index, name in enumerate(vocab.PROSPECT_STATUSES)
    ]


# --- clients and their installations ----------------------------------------------------------------------------
def _day_before_reference(rng: random.Random, min_days: int, max_days: int) -> date:
    return REFERENCE_DAY - timedelta(days=rng.randint(min_days, max_days))


def _phone(rng: random.Random, uf: str, mobile: bool) -> str:
    prefix = f"9{rng.randint(6000, 9999)}" if mobile else str(rng.randint(2000, 5999))
    return f"({ptbr.DDD[uf]}) {prefix}-{rng.randrange(10_000):04d}"


def _rg(rng: random.Random) -> str:
    return f"{rng.randint(10, 59)}.{rng.randrange(1000):03d}.{rng.randrange(1000):03d}-{rng.randrange(10)}"


def _address(rng: random.Random, city: Record) -> Record:
    latitude, longitude = _COORDINATES[city["nome"]]
    return {
        "cep": f"{rng.randint(10_000, 99_999)}-{rng.randrange(1000):03d}",
        "endereco": f"{rng.choice(ptbr.STREET_TYPES)} {rng.choice(ptbr.STREET_NAMES)}",
        "numero": str(rng.randint(1, 3999)) if rng.random() < 0.95 else "S/N",
        "complemento": rng.choice(vocab.HOME_COMPLEMENTS) if rng.random() < 0.3 else None,
        "bairro": rng.choice(ptbr.NEIGHBORHOODS),
        "cidade": city["nome"],
        "uf": city["uf"],
        "latitude": round(latitude + rng.uniform(-0.05, 0.05), 6),
        "longitude": round(longitude + rng.uniform(-0.05, 0.05), 6),
    }


def _person(rng: random.Random) -> Record:
    sex = "F" if rng.random() < 0.5 else "M"
    first = rng.choice(ptbr.FEMALE_FIRST_NAMES if sex == "F" else ptbr.MALE_FIRST_NAMES)
    name = " ".join((first, *rng.sample(ptbr.SURNAMES, 2)))
    birth_city = rng.choice(ptbr.CITIES)
    mailbox = f"{ptbr.slug(first)}.{ptbr.slug(name.split()[-1])}{rng.randint(1, 99)}"
    return {
        "nome": name,
        "fantasia": None,
        "tipo_pessoa": "F",
        "ie_identidade": _rg(rng),
        "inscricao_municipal": None,
        "contribuinte_icms": False,
        "nacionalidade": "Brasileira",
        "cidade_naturalidade": birth_city[0],
        "estado_nascimento": _UF_BY_STATE_CODE[birth_city[1] // 100_000],
        "data_nascimento": _day_before_reference(rng, 18 * 365, 80 * 365),
        "estado_civil": rng.choice(vocab.MARITAL_STATUSES),
        "Sexo": sex,
        "profissao": rng.choice(vocab.PROFESSIONS),
        "email": f"{mailbox}@{rng.choice(ptbr.EMAIL_DOMAINS)}" if rng.random() < 0.9 else None,
    }


def _company(rng: random.Random) -> Record:
    activity = rng.choice(ptbr.COMPANY_ACTIVITIES)[0]
    trade_name = f"{rng.choice(ptbr.COMPANY_WORDS)} {activity}"
    return {
        "nome": f"{trade_name} {rng.choice(ptbr.LEGAL_SUFFIXES)}",
        "fantasia": trade_name,
        "tipo_pessoa": "J",
        "ie_identidade": str(rng.randrange(10**11, 10**12)) if rng.random() < 0.7 else "ISENTO",
        "inscricao_municipal": str(rng.randrange(10**6, 10**8)) if rng.random() < 0.6 else None,
        "contribuinte_icms": rng.random() < 0.5,
        "nacionalidade": None,
        "cidade_naturalidade": None,
        "estado_nascimento": None,
        "data_nascimento": None,
        "estado_civil": None,
        "Sexo": None,
        "profissao": None,
        "email": f"contato@{ptbr.slug(trade_name.replace(' ', ''))}.com.br" if rng.random() < 0.9 else None,
    }


def client(rng: random.Random, id_cliente: int, digits: str, city: Record) -> Record:
    """A client with the contract's fields in its order; a CPF makes a person, a CNPJ a company."""
    person = len(digits) == 11
    kind = _person(rng) if person else _company(rng)
    address = _address(rng, city)
    mobile = _phone(rng, city["uf"], mobile=True)
    values = {
        **kind,
        **address,
        "id_cliente": id_cliente,
        "cnpj_cpf": formatted_register(digits),
        "rg_orgao_emissor": f"SSP/{kind['estado_nascimento']}" if person else None,
        "ativo": rng.random() < 0.92,
        "data_cadastro": _day_before_reference(rng, 1, 10 * 365),
        "fone": _phone(rng, city["uf"], mobile=False) if rng.random() < 0.4 else None,
        "telefone_comercial": None if person else _phone(rng, city["uf"], mobile=False),
        "telefone_celular": mobile,
        "whatsapp": mobile if rng.random() < 0.7 else None,
        "obs": rng.choice(vocab.CLIENT_NOTES) if rng.random() < 0.3 else None,
        "alerta": rng.choice(vocab.ALERTS) if rng.random() < 0.1 else None,
    }
    return {field: values[field] for field in CLIENT_FIELDS}


def installations(rng: random.Random, home: Record, products: list[Record], next_id: Callable[[], int]) -> list[Record]:
    """0-3 installations (most clients have one), the first usually at the client's address; 1-3 services each."""
    count = rng.choices((0, 1, 2, 3), weights=(15, 60, 17, 8))[0]
    made = []
    for index in range(count):
        city = {"nome": home["cidade"], "uf": home["uf"]}
        address = {field: home[field] for field in INSTALLATION_FIELDS[1:-1]} if index == 0 else _address(rng, city)
        made.append(
            {
                "id_instalacao": next_id(),
                **address,
                "obs": rng.choice(vocab.INSTALLATION_NOTES) if rng.random() < 0.2 else None,
                "servicos": services(rng, products, rng.randint(1, 3)),
            }
        )
    return made


def services(rng: random.Random, products: list[Record], count: int) -> list[Record]:
    """`count` different products (fewer if the catalogue is smaller) as an installation's services, each with
    the price it was sold at (a loyalty discount now and then) and its status."""
    statuses, weights = zip(*vocab.SERVICE_STATUSES, strict=True)
    chosen = rng.sample(products, min(count, len(products)))
    made = []
    for product in chosen:
        discounted = rng.random() < 0.15
        made.append(
            {
                "id_servico": product["id_servico"],
                "nome": product["nome"],
                "descricao": product["descricao"],
                "valor": money(product["valor"] * Decimal("0.9")) if discounted else product["valor"],
                "status": rng.choices(statuses, weights=weights)[0],
                "obs": "Desconto de fidelidade" if discounted else None,
            }
        )
    return made
