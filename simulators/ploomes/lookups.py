"""Fixed contents of the small lookup endpoints (the same for every scale and seed)."""

from __future__ import annotations

from typing import Any

from simulators.core import ptbr
from simulators.ploomes import vocab

Record = dict[str, Any]
BRAZIL_ID = 76  # Ploomes' CountryId for Brazil (phones carry it too)
BRL_ID = 1


def _named(first_id: int, names: tuple[str, ...], step: int = 1, **columns: tuple[Any, ...]) -> list[Record]:
    rows = []
    for position, name in enumerate(names):
        row: Record = {"Id": first_id + position * step, "Name": name}
        row.update({column: values[position] for column, values in columns.items()})
        rows.append(row)
    return rows


def _pipelines() -> list[Record]:
    rows = []
    for position, (name, singular, plural, archived) in enumerate(
        (
            ("Funil de Vendas", "negócio", "negócios", False),
            ("Renovações", "renovação", "renovações", False),
            ("Parcerias e Revendas", "parceria", "parcerias", False),
            ("Funil Antigo 2019", "oportunidade", "oportunidades", True),
        )
    ):
        rows.append(
            {
                "Id": 40_010 + position * 7,
                "Name": name,
                "MustPassAllStages": position == 1,
                "ForbiddenStageReturn": False,
                "MayCreateQuotes": True,
                "MayCreateOrders": position != 2,
                "MayCreateDocuments": True,
                "MayWinDeals": True,
                "MayLoseDeals": True,
                "FormId": 90_100 + position,
                "QuickFormId": 90_200 + position,
                "Archived": archived,
                "NewOrderOnWonDeal": position == 0,
                "CreateOrderOnWonDeal": False,
                "WinDealOnLastStage": position == 1,
                "SingularUnitName": singular,
                "PluralUnitName": plural,
                "GenderId": 2 if singular.endswith("ão") or singular.endswith("a") else 1,
                "EnableTableViewMode": True,
                "EnableFunnelViewMode": True,
                "Ordination": position,
                "QuotesUseERPFormat": False,
                "OrdersUseERPFormat": position == 0,
                "DocumentsUseERPFormat": False,
            }
        )
    return rows


_STAGES = (
    ("Prospecção", "Qualificação", "Apresentação", "Proposta Enviada", "Negociação", "Fechamento"),
    ("Contato Inicial", "Análise de Uso", "Proposta de Renovação", "Assinatura"),
    ("Triagem", "Onboarding do Parceiro", "Primeira Venda"),
    ("Novo", "Em andamento", "Concluído"),
)


def _stages(pipelines: list[Record]) -> list[Record]:
    rows, next_id = [], 80_000
    for pipeline, names in zip(pipelines, _STAGES, strict=True):
        for ordination, name in enumerate(names):
            next_id += 3
            rows.append({"Id": next_id, "Name": name, "PipelineId": pipeline["Id"], "Ordination": ordination})
    return rows


def _loss_reasons(pipelines: list[Record]) -> list[Record]:
    reasons = ("Preço acima do orçamento", "Escolheu o concorrente", "Sem retorno do cliente", "Projeto adiado")
    rows, next_id = [], 5_500
    for pipeline in pipelines[:3]:
        for reason in reasons:
            next_id += 2
            rows.append({"Id": next_id, "Name": reason, "PipelineId": pipeline["Id"]})
    return rows


def _product_families_and_groups() -> tuple[list[Record], list[Record]]:
    families: dict[str, int] = {}
    groups = []
    for position, (family, group, _products) in enumerate(vocab.PRODUCT_LINES):
        family_id = families.setdefault(family, 700 + len(families) * 3)
        groups.append(
            {"Id": 1_200 + position * 4, "Name": group, "FamilyId": family_id, "FixedPrice": family == "Software",
             "Default": position == 0}
        )  # fmt: skip
    return [{"Id": family_id, "Name": name} for name, family_id in families.items()], groups


def _geography() -> tuple[list[Record], list[Record], list[Record]]:
    countries = [
        {"Id": BRAZIL_ID, "Short": "BRA", "Short2": "BR", "Name": "Brasil"},
        {"Id": 32, "Short": "ARG", "Short2": "AR", "Name": "Argentina"},
        {"Id": 169, "Short": "PRT", "Short2": "PT", "Name": "Portugal"},
        {"Id": 225, "Short": "USA", "Short2": "US", "Name": "Estados Unidos"},
    ]
    countries.sort(key=lambda r: r["Id"])
    states = [{"Id": code, "Short": short, "Name": name, "CountryId": BRAZIL_ID} for code, short, name in ptbr.STATES]
    cities = []
    for position, (name, ibge, latitude, longitude) in enumerate(sorted(ptbr.CITIES, key=lambda c: c[1])):
        cities.append(
            {"Id": 10_000 + position * 13, "Name": name, "CountryId": BRAZIL_ID, "StateId": ibge // 100_000,
             "IBGECode": ibge, "Latitude": latitude, "Longitude": longitude}
        )  # fmt: skip
    return countries, states, cities


def build_lookups() -> dict[str, list[Record]]:
    pipelines = _pipelines()
    families, groups = _product_families_and_groups()
    countries, states, cities = _geography()
    return {
        "Contacts@Types": [{"Id": 1, "Name": "Empresa"}, {"Id": 2, "Name": "Pessoa"}],
        "Contacts@Status": _named(1, ("Ativo", "Inativo", "Prospect", "Ex-cliente")),
        "Contacts@Origins": _named(
            301, ("Site", "Indicação", "Google Ads", "Feira/Evento", "Prospecção ativa", "LinkedIn", "Instagram"), 2
        ),
        "Contacts@LinesOfBusiness": _named(
            410,
            (
                "Tecnologia",
                "Varejo",
                "Indústria",
                "Agronegócio",
                "Saúde",
                "Educação",
                "Construção Civil",
                "Logística",
                "Serviços Financeiros",
                "Alimentos e Bebidas",
            ),
            3,
        ),  # fmt: skip
        "Contacts@NumbersOfEmployees": _named(1, ("1-10", "11-50", "51-200", "201-500", "501-1000", "Mais de 1000")),
        "Contacts@Relationships": _named(21, ("Cliente", "Fornecedor", "Parceiro", "Concorrente", "Revendedor")),
        "Contacts@Classes": _named(61, ("Ouro", "Prata", "Bronze")),
        "Deals@Pipelines": pipelines,
        "Deals@Stages": _stages(pipelines),
        "Deals@Status": _named(1, ("Em aberto", "Ganho", "Perdido")),
        "Deals@LossReasons": _loss_reasons(pipelines),
        "Orders@Stages": _named(
            9_001,
            ("Pedido Recebido", "Em Separação", "Faturado", "Enviado", "Entregue"),
            1,
            Icon=("fa-inbox", "fa-box", "fa-file-invoice", "fa-truck", "fa-check"),
            Ordination=(0, 1, 2, 3, 4),
        ),
        "Quotes@ApprovalStatus": _named(1, ("Sem aprovação", "Aguardando aprovação", "Aprovada", "Reprovada")),
        "Products@Families": families,
        "Products@Groups": groups,
        "Tasks@Types": _named(
            1,
            ("Ligação", "E-mail", "Reunião", "Visita", "WhatsApp", "Tarefa"),
            Icon=("fa-phone", "fa-envelope", "fa-users", "fa-car", "fa-whatsapp", "fa-check-square"),
            Color=("#2196F3", "#9C27B0", "#FF9800", "#4CAF50", "#25D366", "#607D8B"),
        ),
        "Tasks@EmailReminders": _named(1, ("Sem lembrete", "15 minutos antes", "1 hora antes", "1 dia antes")),
        "Tasks@RepeatIntervalUnits": _named(
            1,
            ("Dia", "Semana", "Mês", "Ano"),
            DatePart=("day", "week", "month", "year"),
            DatePartLength=(1, 7, 30, 365),
        ),
        "Users@Profiles": _named(1, ("Administrador", "Gestor", "Vendedor", "Integração")),
        "Users@SuspensionReasons": _named(1, ("Desligado da empresa", "Férias", "Licença", "Inadimplência")),
        "Roles": _named(
            2_001,
            (
                "Diretor Comercial",
                "Gerente de Vendas",
                "Executivo de Contas",
                "SDR",
                "Analista de Compras",
                "Sócio-proprietário",
                "Coordenador Financeiro",
                "Comprador",
            ),
            5,
        ),  # fmt: skip
        "Departments": _named(
            3_001, ("Comercial", "Financeiro", "Compras", "Diretoria", "TI", "Marketing", "Operações"), 4
        ),
        "Teams": _named(
            501, ("Time Inside Sales", "Time Field Sales", "Key Accounts", "Customer Success"), 2, LeaderId=(None,) * 4
        ),
        "Tags": _named(
            801,
            ("VIP", "Inadimplente", "Potencial Upsell", "Evento 2024", "Parceiro Estratégico", "Cliente Antigo"),
            2,
            Color=("#F44336", "#795548", "#4CAF50", "#3F51B5", "#FFC107", "#9E9E9E"),
            EntityId=(1, 1, 1, 1, 1, 1),
        ),
        "Currencies": _named(
            BRL_ID, ("Real", "Dólar americano", "Euro"), 1, Symbol=("R$", "US$", "€"), Code=("BRL", "USD", "EUR")
        ),
        "Cities": cities,
        "Cities@States": states,
        "Cities@Countries": countries,
        "Webhooks": [],
    }
