"""The ERP simulator (simulators/erp) as an httpx client sees it: data, every wire switch, unknown clients, auth,
the request budget, the request log, admin routes and changes; and the CPF/CNPJ helpers it shares with Ploomes."""

from __future__ import annotations

import asyncio
import random
import re
from datetime import date
from decimal import Decimal
from typing import Any

import httpx
import pytest

from simulators.core.documents import cnpj, cpf, digits_only, is_valid_cnpj, is_valid_cpf
from simulators.erp import LIST_PATHS, TABLES, ErpConfig, ErpSimulator
from simulators.erp.__main__ import config_from_args, parse_args
from simulators.erp.records import CLIENT_FIELDS

PERSON = "529.982.247-25"
COMPANY = "11444777000161"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def make_sim(**overrides: Any) -> ErpSimulator:
    settings: dict[str, Any] = {"seed": 9, "registers": (PERSON, COMPANY), "extra_clients": 6}
    return ErpSimulator(ErpConfig(**{**settings, **overrides}))


def call(sim: ErpSimulator, path: str, method: str = "GET", headers: dict | None = None, **kwargs: Any):
    """One request in-process; `path` under /api unless it starts with /_sim."""

    async def send() -> httpx.Response:
        transport = httpx.ASGITransport(app=sim.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://erp.test") as client:
            url = path if path.startswith("/_sim") else "/api" + path
            sent = sim.auth_headers if headers is None else headers
            return await client.request(method, url, headers=sent, **kwargs)

    return asyncio.run(send())


def get_json(sim: ErpSimulator, path: str) -> Any:
    response = call(sim, path)
    assert response.status_code == 200, response.text
    return response.json()


def person_id(sim: ErpSimulator) -> int:
    return sim.client(PERSON)["id_cliente"]


def client_with_installations(sim: ErpSimulator, count: int) -> int:
    for row in sim.truth("clients"):
        if len(sim.installations_of(row["id_cliente"])) == count:
            return row["id_cliente"]
    raise AssertionError(f"no client with {count} installation(s)")


# --- data -------------------------------------------------------------------------------------------------------
def test_every_register_becomes_a_client_person_or_company_by_its_length():
    sim = make_sim()
    clients = sim.clients_by_register()
    assert len(clients) == 8  # 2 registers + 6 extra
    assert clients[digits_only(PERSON)]["tipo_pessoa"] == "F"
    assert clients[digits_only(PERSON)]["cnpj_cpf"] == PERSON
    company = clients[COMPANY]
    assert company["tipo_pessoa"] == "J" and company["cnpj_cpf"] == "11.444.777/0001-61"
    assert company["fantasia"] and company["Sexo"] is None and company["data_nascimento"] is None
    for digits, client in clients.items():
        assert list(client) == list(CLIENT_FIELDS)
        assert (is_valid_cpf if len(digits) == 11 else is_valid_cnpj)(digits), digits
        assert client["tipo_pessoa"] == ("F" if len(digits) == 11 else "J")


def test_duplicate_registers_count_once_and_bad_lengths_fail_early():
    assert len(make_sim(registers=(PERSON, digits_only(PERSON)), extra_clients=0).truth("clients")) == 1
    with pytest.raises(ValueError, match="neither a CPF"):
        ErpConfig(registers=("123",))


def test_same_seed_same_data_other_seed_other_data():
    first, again, other = make_sim(), make_sim(), make_sim(seed=10)
    for table in TABLES:
        assert first.truth(table) == again.truth(table), table
    assert first.truth("clients") != other.truth("clients")


def test_a_clients_data_depends_only_on_the_seed_and_its_register():
    alone = make_sim(registers=(PERSON,), extra_clients=0).client(PERSON)
    among_others = make_sim(registers=(COMPANY, PERSON), extra_clients=5).client(PERSON)
    assert {**alone, "id_cliente": 0} == {**among_others, "id_cliente": 0}


def test_records_are_typed_and_look_brazilian():
    sim = make_sim(extra_clients=30)
    clients = sim.truth("clients")
    assert all(isinstance(c["data_cadastro"], date) and isinstance(c["ativo"], bool) for c in clients)
    assert all(re.fullmatch(r"\(\d\d\) 9\d{4}-\d{4}", c["telefone_celular"]) for c in clients)
    assert any(ch in "ãçéêíóôú" for c in clients for ch in c["nome"])
    products = sim.truth("products")
    assert products[1]["nome"] == "Fibra 300 Mega" and isinstance(products[1]["valor"], Decimal)
    services = sim.truth("installation_services")
    assert {s["status"] for s in services} <= {"Ativo", "Suspenso", "Bloqueado", "Cancelado"}
    assert {s["id_servico"] for s in services} <= {p["id_servico"] for p in products}
    by_installation: dict[int, list[int]] = {}
    for service in services:
        by_installation.setdefault(service["id_instalacao"], []).append(service["id_servico"])
    assert all(1 <= len(ids) <= 3 and len(set(ids)) == len(ids) for ids in by_installation.values())
    per_client = [len(sim.installations_of(c["id_cliente"])) for c in clients]
    assert set(per_client) <= {0, 1, 2, 3} and 0 in per_client and max(per_client) >= 2
    statuses = [s["nome"] for s in sim.truth("prospect_statuses")]
    assert statuses == ["Inicial", "Em análise", "Reprovado", "Suspenso", "Aprovado", "Cancelado"]
    assert [d["data"] for d in sim.truth("due_dates")] == [5, 10, 15, 20, 25, 30]


def test_list_counts_follow_the_config():
    sim = make_sim(products=30, resellers=2, departments=11, due_dates=9, origins=1, cities=5)
    counts = sim.counts()
    assert [counts[t] for t in LIST_PATHS] == [30, 2, 11, 9, 1, 5, 6]
    names = [p["nome"] for p in sim.truth("products")]
    assert len(set(names)) == 30 and "Fibra 300 Mega Empresarial" in names


# --- the default wire -------------------------------------------------------------------------------------------
def test_default_wire_is_the_contracts_samples_every_scalar_a_string():
    sim = make_sim()
    client = get_json(sim, f"/clientes/{digits_only(PERSON)}")
    assert list(client) == list(CLIENT_FIELDS)
    assert all(isinstance(value, str) for value in client.values())
    truth = sim.client(PERSON)
    assert client["id_cliente"] == str(truth["id_cliente"]) and client["cnpj_cpf"] == PERSON
    assert client["fantasia"] == "" and client["contribuinte_icms"] == "N"
    assert client["ativo"] == ("S" if truth["ativo"] else "N")
    assert client["data_cadastro"] == truth["data_cadastro"].strftime("%d/%m/%Y")
    assert get_json(sim, f"/clientes/{PERSON}")["id_cliente"] == client["id_cliente"]  # formatted works too
    products = get_json(sim, "/produtos")
    assert isinstance(products, list) and products[0]["valor"] == "79,90"
    assert all(isinstance(value, str) for product in products for value in product.values())


def test_invoices_list_a_clients_installations_with_their_services():
    sim = make_sim(extra_clients=20)
    id_cliente = client_with_installations(sim, 2)
    installations = get_json(sim, f"/clientes/{id_cliente}/faturas")
    truth = sim.installations_of(id_cliente)
    assert [int(i["id_instalacao"]) for i in installations] == [row["id_instalacao"] for row in truth]
    services = [s for i in installations for s in i["servicos"]]
    expected = [
        s for s in sim.truth("installation_services") if s["id_instalacao"] in {r["id_instalacao"] for r in truth}
    ]
    assert [int(s["id_servico"]) for s in services] == [s["id_servico"] for s in expected]
    assert get_json(sim, f"/clientes/{client_with_installations(sim, 0)}/faturas") == []
    assert call(sim, "/clientes/999999/faturas").status_code == 404


def test_every_list_endpoint_answers_its_table():
    sim = make_sim()
    for table, path in LIST_PATHS.items():
        rows = get_json(sim, path)
        truth = sim.truth(table)
        key = next(iter(truth[0]))
        assert [row[key] for row in rows] == [str(row[key]) for row in truth], table


# --- switches ---------------------------------------------------------------------------------------------------
def test_values_as_strings_off_sends_numbers_but_money_and_flags_keep_their_own_switches():
    sim = make_sim(values_as_strings=False)
    client = get_json(sim, f"/clientes/{COMPANY}")
    assert isinstance(client["id_cliente"], int) and isinstance(client["latitude"], float)
    assert client["contribuinte_icms"] in ("S", "N") and client["cnpj_cpf"] == "11.444.777/0001-61"
    assert get_json(sim, "/produtos")[0]["valor"] == "79,90"
    assert get_json(sim, "/vencimentos")[0]["data"] == 5


def test_null_as_blank_off_sends_null():
    client = get_json(make_sim(null_as_blank=False), f"/clientes/{COMPANY}")
    assert client["Sexo"] is None and client["data_nascimento"] is None


@pytest.mark.parametrize(("money_format", "expected"), [("br", "1.234,56"), ("dot", "1234.56"), ("number", 1234.56)])
def test_money_format(money_format, expected):
    sim = make_sim(money_format=money_format)
    sim.add_product(nome="Fibra 2 Giga", valor="1234.56")
    assert get_json(sim, "/produtos")[-1]["valor"] == expected


def test_date_format_iso_and_json_booleans():
    sim = make_sim(date_format="iso", booleans="json")
    client = get_json(sim, f"/clientes/{PERSON}")
    truth = sim.client(PERSON)
    assert client["data_nascimento"] == truth["data_nascimento"].isoformat()
    assert client["ativo"] is truth["ativo"] and client["contribuinte_icms"] is False


def test_list_shapes():
    sim = make_sim(list_shape="wrapped")
    assert list(get_json(sim, "/origens")) == ["dados"]
    sim.set_switches(list_wrapper_key="registros")
    assert len(get_json(sim, "/origens")["registros"]) == 8
    sim.set_switches(list_shape="single_object")
    assert isinstance(get_json(sim, "/origens"), list)
    lone = get_json(sim, f"/clientes/{client_with_installations(sim, 1)}/faturas")
    assert isinstance(lone, dict) and isinstance(lone["servicos"], list)
    assert get_json(sim, f"/clientes/{client_with_installations(sim, 0)}/faturas") == []


def test_cities_fields():
    sim = make_sim()
    assert list(get_json(sim, "/cidades")[0]) == ["id_tipo_de_atendimento", "nome", "obs"]
    assert list(sim.truth("cities")[0]) == ["id_tipo_de_atendimento", "nome", "obs"]
    sim.set_switches(cities_fields="id_cidade")
    city = get_json(sim, "/cidades")[0]
    assert list(city) == ["id_cidade", "nome", "uf", "codigo_ibge", "obs"]
    assert len(city["uf"]) == 2 and city["codigo_ibge"].startswith(("1", "2", "3", "4", "5"))
    assert list(sim.truth("cities")[0]) == list(city)


def test_extra_fields_reach_every_record_and_the_truth():
    sim = make_sim(extra_fields=True, extra_clients=20)
    assert "codigo_integracao" in get_json(sim, f"/clientes/{PERSON}")
    installation = get_json(sim, f"/clientes/{client_with_installations(sim, 1)}/faturas")[0]
    assert "codigo_integracao" in installation and "codigo_integracao" in installation["servicos"][0]
    for path in LIST_PATHS.values():
        assert all("codigo_integracao" in row for row in get_json(sim, path)), path
    assert all("codigo_integracao" in row for table in TABLES for row in sim.truth(table))


@pytest.mark.parametrize(
    ("mode", "status", "body"),
    [("404", 404, {"status": "erro", "mensagem": "Cliente não encontrado"}), ("empty_object", 200, {}),
     ("empty_list", 200, []), ("blank", 200, dict.fromkeys(CLIENT_FIELDS, ""))],
)  # fmt: skip
def test_unknown_client_modes(mode, status, body):
    response = call(make_sim(unknown_client=mode), f"/clientes/{cpf(random.Random(1)).replace('.', '')}")
    assert (response.status_code, response.json()) == (status, body)


def test_bad_switch_values_fail_early():
    with pytest.raises(ValueError, match="list_shape must be one of"):
        ErpConfig(list_shape="paged")
    with pytest.raises(ValueError, match="values_as_strings must be true or false"):
        make_sim().set_switches(values_as_strings="yes")
    with pytest.raises(ValueError, match="cities: at most"):
        ErpConfig(cities=1000)
    with pytest.raises(ValueError, match="no named shapes"):
        ErpConfig(shapes=("wrapped",))


# --- auth, budget, faults, request log --------------------------------------------------------------------------
def test_wrong_or_missing_token_is_401_with_a_small_json_body():
    sim = make_sim()
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": sim.config.token}):
        response = call(sim, "/produtos", headers=headers)
        assert response.status_code == 401
        assert response.json() == {"status": "erro", "mensagem": "Token inválido ou ausente"}


def test_token_header_and_scheme_are_configurable():
    sim = make_sim(token="abc", token_header="X-Api-Token", token_scheme="")
    assert sim.auth_headers == {"X-Api-Token": "abc"}
    assert call(sim, "/produtos").status_code == 200
    assert call(sim, "/produtos", headers={"Authorization": "Bearer abc"}).status_code == 401
    assert (
        call(
            make_sim(token="abc", token_scheme="Token"), "/produtos", headers={"Authorization": "token abc"}
        ).status_code
        == 200
    )


def test_budget_answers_429_with_retry_after_until_the_window_moves_on():
    clock = Clock()
    sim = make_sim(requests_per_window=3, rate_window_seconds=60, clock=clock)
    assert [call(sim, "/origens").status_code for _ in range(4)] == [200, 200, 200, 429]
    refused = call(sim, "/origens")
    assert refused.headers["Retry-After"] == "60" and refused.json()["status"] == "erro"
    assert call(sim, "/origens", headers={}).status_code == 401  # refused before the budget
    clock.now += 60
    assert call(sim, "/origens").status_code == 200
    assert sim.request_log.count(status=429) == 2


def test_faults_and_the_request_log_per_path():
    sim = make_sim(faults=("server_error:1@/api/produtos",))
    assert call(sim, "/produtos").status_code == 503
    assert call(sim, "/produtos").status_code == 200
    call(sim, f"/clientes/{COMPANY}")
    assert sim.request_count("/produtos") == 2 and sim.request_count(f"/clientes/{COMPANY}") == 1
    assert sim.request_count() == 3
    call(sim, f"/clientes/{person_id(sim)}/faturas")
    call(sim, "/nada")
    assert sim.requests_by_table() == {"products": 2, "clients": 1, "installations": 1, "other": 1}
    sim.reset(keep_data=True)
    assert sim.request_count() == 0 and sim.requests_by_table() == {}


# --- admin routes and changes -----------------------------------------------------------------------------------
def test_admin_switches_truth_and_info():
    sim = make_sim()
    changed = call(sim, "/_sim/switches", "PATCH", json={"list_shape": "wrapped", "values_as_strings": False})
    assert changed.status_code == 200 and changed.json()["list_shape"] == "wrapped"
    assert get_json(sim, "/produtos")["dados"][0]["id_servico"] == 1
    assert call(sim, "/_sim/switches", "PATCH", json={"paging": True}).status_code == 400
    assert call(sim, "/_sim/switches", "PATCH", json={"money_format": "eu"}).status_code == 400
    truth = call(sim, "/_sim/truth/products", headers={}).json()
    assert truth["count"] == 12 and truth["rows"][0]["valor"] == "79.90"
    assert call(sim, "/_sim/truth/nothing").status_code == 400
    info = call(sim, "/_sim/info").json()
    assert info["counts"]["clients"] == 8 and info["switches"]["list_shape"] == "wrapped"
    assert sim.request_count() == 1  # admin requests are not logged


def test_admin_record_changes():
    sim = make_sim()
    created = call(sim, "/_sim/records/products", "POST", json={"nome": "Fibra 2 Giga", "valor": "299.90"})
    assert created.status_code == 201 and created.json()["id_servico"] == 13
    id_cliente = person_id(sim)
    patched = call(sim, f"/_sim/records/clients/{id_cliente}", "PATCH", json={"email": "novo@exemplo.com.br"})
    assert patched.status_code == 200
    assert get_json(sim, f"/clientes/{PERSON}")["email"] == "novo@exemplo.com.br"
    assert call(sim, f"/_sim/records/clients/{id_cliente}", "PATCH", json={"mail": "x"}).status_code == 400
    added = call(sim, "/_sim/records/installations", "POST", json={"id_cliente": id_cliente, "servicos": [13]})
    assert added.status_code == 201
    installations = get_json(sim, f"/clientes/{id_cliente}/faturas")
    assert installations[-1]["servicos"][0]["nome"] == "Fibra 2 Giga"
    assert call(sim, f"/_sim/records/installations/{added.json()['id_instalacao']}", "DELETE").status_code == 204
    assert call(sim, f"/_sim/records/clients/{digits_only(PERSON)}", "DELETE").status_code == 204
    assert call(sim, f"/clientes/{PERSON}").status_code == 404
    assert call(sim, "/_sim/records/clients/424242", "DELETE").status_code == 404


def test_change_methods_show_on_the_wire_and_in_the_truth():
    sim = make_sim(extra_clients=20)
    sim.update_client(PERSON, ativo=False, data_cadastro="2020-02-29")
    client = get_json(sim, f"/clientes/{PERSON}")
    assert (client["ativo"], client["data_cadastro"]) == ("N", "29/02/2020")
    id_cliente = client_with_installations(sim, 1)
    installation = sim.installations_of(id_cliente)[0]["id_instalacao"]
    service_id = next(s["id_servico"] for s in sim.truth("installation_services") if s["id_instalacao"] == installation)
    assert sim.update_service(installation, service_id, status="Suspenso", valor="10")["valor"] == Decimal("10.00")
    assert get_json(sim, f"/clientes/{id_cliente}/faturas")[0]["servicos"][0]["status"] == "Suspenso"
    added = sim.add_installation(id_cliente, services=2)
    assert len(get_json(sim, f"/clientes/{id_cliente}/faturas")) == 2
    sim.remove_installation(installation)
    remaining = get_json(sim, f"/clientes/{id_cliente}/faturas")
    assert [int(i["id_instalacao"]) for i in remaining] == [added["id_instalacao"]]
    new = sim.add_client(cnpj(random.Random(5)))
    assert get_json(sim, f"/clientes/{digits_only(new['cnpj_cpf'])}")["id_cliente"] == str(new["id_cliente"])
    sim.update_record("origins", 1, nome="Google Ads")
    assert get_json(sim, "/origens")[0]["nome"] == "Google Ads"
    sim.remove_record("origins", 1)
    assert len(sim.truth("origins")) == 7


def test_reset_regenerates_the_data_and_restores_the_switches():
    sim = make_sim()
    before = sim.truth("clients")
    sim.remove_client(PERSON)
    sim.set_switches(list_shape="wrapped")
    sim.reset()
    assert sim.truth("clients") == before and sim.switches.list_shape == "array"


def test_serves_over_loopback_with_the_base_url_ending_in_api():
    sim = make_sim()
    with sim.serve() as base_url:
        assert base_url.endswith("/api")
        response = httpx.get(f"{base_url}/clientes/{COMPANY}", headers=sim.auth_headers)
        assert response.status_code == 200 and response.json()["tipo_pessoa"] == "J"


def test_cli_flags_make_the_config():
    args = parse_args(
        ["--register", PERSON, "--list-shape", "wrapped", "--values-as-strings", "false", "--money-format", "number",
         "--requests-per-window", "0", "--token-scheme", "", "--fault", "drop:1"]
    )  # fmt: skip
    config = config_from_args(args)
    assert config.registers == (PERSON,) and config.list_shape == "wrapped" and config.values_as_strings is False
    assert config.money_format == "number" and config.requests_per_window is None and config.token_scheme == ""
    assert config.faults == ("drop:1",) and config.booleans == "SN"


# --- the CPF/CNPJ helpers moved to simulators.core (Ploomes draws its contacts' registers with them) ------------
def test_cpf_and_cnpj_draw_as_ploomes_always_did():
    rng = random.Random(2024)
    assert [cpf(rng), cnpj(rng), cpf(rng)] == ["729.436.483-45", "75.689.348/0001-37", "581.372.836-84"]


def test_check_digit_validation():
    assert is_valid_cpf("529.982.247-25") and is_valid_cpf("52998224725")
    assert not is_valid_cpf("529.982.247-24") and not is_valid_cpf("111.111.111-11") and not is_valid_cpf("123")
    assert is_valid_cnpj("11.444.777/0001-61") and not is_valid_cnpj("11.444.777/0001-62")
    assert not is_valid_cnpj("00000000000000") and not is_valid_cnpj("52998224725")
    rng = random.Random(3)
    assert all(is_valid_cpf(cpf(rng)) and is_valid_cnpj(cnpj(rng)) for _ in range(200))
    assert digits_only(" 11.444.777/0001-61 ") == "11444777000161"
