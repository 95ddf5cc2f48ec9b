"""The ERP source against answers the simulator never gives (a fake ERP in httpx.MockTransport, a DuckDB file): what
does not fit loads as sent or is reported with its table, column and record, and the other rows and tables load."""

from __future__ import annotations

from pathlib import Path

import duckdb
import httpx

from pipelines import erp_pipeline
from pipelines.common import RunOptions

TOKEN = "fake-erp-token-3b9e"
REGISTER = "123.456.789-09"
CLIENT = {"id_cliente": 7, "nome": "Ana Souza", "cnpj_cpf": REGISTER, "ativo": "talvez", "data_cadastro": "ontem"}
ANSWERS = {
    "/api/produtos": [
        {"id_servico": "1", "nome": "Fibra 300 Mega", "valor": "a combinar"},
        "stray",
        {"nome": "sem id"},
        {"id_servico": 2, "nome": "Fibra 1 Giga", "valor": 199.9},
    ],
    "/api/cidades": {"total": 2, "itens": [{"nome": "Sem código"}, {"codigo_ibge": 3550308, "nome": "São Paulo"}]},
    "/api/clientes/12345678909": {"dados": CLIENT},
    "/api/clientes/7/faturas": [
        {"id_instalacao": 70, "servicos": {"id_servico": "1", "valor": "99,90"}},  # one service, not in a list
        {"cep": "01000-000", "servicos": []},  # no id_instalacao
    ],
}


def fake_erp(request: httpx.Request) -> httpx.Response:
    if request.headers.get("Authorization") != f"Bearer {TOKEN}":
        return httpx.Response(401, json={"message": "token inválido"})
    return httpx.Response(200, json=ANSWERS.get(request.url.path, []))


def test_what_does_not_fit_loads_as_sent_or_is_reported_and_the_rest_loads(tmp_path: Path):
    options = RunOptions(
        duckdb_path=tmp_path / "w.duckdb",
        pipelines_dir=str(tmp_path / "pipelines"),
        progress=False,
        extra={
            "token": TOKEN,
            "base_url": "https://erp.example.com/api",
            "registers": [REGISTER],
            "crm_dataset": "no_crm_here",
            "transport": httpx.MockTransport(fake_erp),
        },
    )
    report = erp_pipeline.run_pipeline(options)

    assert not report.failed
    warnings = "\n".join(report.warnings)
    assert "products: record 1, column valor: 'a combinar' is not an amount" in warnings
    assert "products: item #2 of the list is not an object" in warnings
    assert "products: record #3 of the list has no id_servico" in warnings
    assert "cities: record #1 of the list has no id_cidade or id_tipo_de_atendimento or codigo_ibge" in warnings
    assert "clients: record 7, column ativo: 'talvez' is not a yes/no" in warnings
    assert "installations: client 7's installation #2 has no id_instalacao" in warnings
    with duckdb.connect(str(tmp_path / "w.duckdb")) as db:
        products = db.sql("select id_servico, valor, valor__v_text from erp.products order by 1").fetchall()
        assert [(p[0], p[1] and float(p[1]), p[2]) for p in products] == [
            ("1", None, "a combinar"),
            ("2", 199.9, None),
        ]
        assert db.sql("select id_cidade, codigo_ibge from erp.cities").fetchall() == [("3550308", "3550308")]
        assert db.sql("select id_cliente, ativo, ativo__v_text from erp.clients").fetchall() == [("7", None, "talvez")]
        assert db.sql("select id_instalacao, id_cliente from erp.installations").fetchall() == [("70", "7")]
        services = db.sql("select id_instalacao, id_servico, valor from erp.installation_services").fetchall()
        assert [(s[0], s[1], float(s[2])) for s in services] == [("70", "1", 99.9)]
