"""What every ERP table and column holds: the texts of the `description` hints (sources/descriptions.py).

One entry per table of `entities.py`, from the integration contract (seeds/003), with its pt-BR field name kept as
the column's. Fields many tables share are described once, in `COMMON`; a table's own text wins. The ERP decides what
its ids look like, so they are text. A declared column with no text here fails tests/unit/test_erp_values.py.
"""

from __future__ import annotations

from collections.abc import Collection

from sources.descriptions import TableText

_BLANK = 'empty ("" in the ERP) is null'
_MONEY = "in reais (R$), exact; the ERP may send 1.234,56, 1234.56 or a number"
_DATE = "a date; the ERP may send dd/mm/aaaa or aaaa-mm-dd"
_FLAG = 'true or false; the ERP may send "S"/"N" or true/false'

COMMON = {
    "nome": "Its name",
    "obs": f"Free notes (observações); {_BLANK}",
    "cep": "Postal code (CEP), as the ERP writes it",
    "endereco": "Street address (endereço)",
    "numero": "House or building number, as typed (may hold letters, S/N)",
    "complemento": "Address complement (apartment, block)",
    "bairro": "Neighbourhood (bairro)",
    "cidade": "City name",
    "uf": "State (UF, two letters)",
    "latitude": "Latitude, in decimal degrees",
    "longitude": "Longitude, in decimal degrees",
    "descricao": "Its description",
}

TABLES: dict[str, TableText] = {
    "clients": TableText(
        "The ERP's clients whose CPF/CNPJ a CRM contact (or sources.erp.registers) holds, one row each, looked up by "
        "CPF/CNPJ; join to the CRM's contacts on cnpj_cpf (digits) = the contact's register (digits)",
        {
            "id_cliente": "The client's id in the ERP; primary key",
            "nome": "The client's name (a person's, or the company's legal name)",
            "fantasia": "The company's trade name (nome fantasia)",
            "tipo_pessoa": "F for a person (CPF), J for a company (CNPJ), as the ERP writes it",
            "cnpj_cpf": "The client's CPF or CNPJ, as the ERP sends it (formatted or digits only)",
            "ie_identidade": "State registration (inscrição estadual) of a company, or a person's identity card (RG)",
            "rg_orgao_emissor": "The body that issued the RG",
            "inscricao_municipal": "Municipal registration of a company",
            "contribuinte_icms": f"Whether the client pays ICMS (state VAT); {_FLAG}",
            "nacionalidade": "Nationality",
            "cidade_naturalidade": "City of birth",
            "estado_nascimento": "State of birth",
            "data_nascimento": f"Date of birth; {_DATE}",
            "estado_civil": "Marital status",
            "ativo": f"Whether the client is active in the ERP; {_FLAG}",
            "sexo": "Sex, as the ERP writes it (contract field Sexo)",
            "profissao": "Profession",
            "data_cadastro": f"When the client was registered in the ERP; {_DATE}",
            "fone": "Phone",
            "telefone_comercial": "Business phone",
            "telefone_celular": "Mobile phone",
            "whatsapp": "WhatsApp number",
            "email": "E-mail address",
            "alerta": "An alert the ERP shows on the client's record",
        },
    ),
    "installations": TableText(
        "Each client's installations (service addresses) from its open-invoices request, one row each; replaced "
        "whenever the client is read again",
        {
            "id_instalacao": "The installation's id in the ERP; primary key",
            "id_cliente": "The client it belongs to (references clients.id_cliente)",
        },
    ),
    "installation_services": TableText(
        "The services (products) of each installation, one row per service in its list; replaced whenever the "
        "client is read again",
        {
            "id": "A key made by the connector from the installation, the service's place in its list and its "
            "id_servico (the ERP gives none); primary key",
            "id_cliente": "The client the installation belongs to (references clients.id_cliente)",
            "id_instalacao": "The installation (references installations.id_instalacao)",
            "id_servico": "The service (references products.id_servico)",
            "nome": "The service's name, e.g. a plan",
            "valor": f"The service's price, {_MONEY}",
            "status": "The service's status on this installation, as the ERP writes it",
        },
    ),
    "products": TableText(
        "The ERP's products (services and plans for sale), replaced each run",
        {
            "id_servico": "The product's id in the ERP; primary key (installation_services.id_servico)",
            "valor": f"Its price, {_MONEY}",
        },
    ),
    "resellers": TableText(
        "The ERP's resellers (revendedores), replaced each run",
        {"id_revendedor": "The reseller's id in the ERP; primary key"},
    ),
    "departments": TableText(
        'The ERP\'s staff list ("funcionários"), whose entries are departments, replaced each run',
        {"id_departamento": "The department's id in the ERP; primary key"},
    ),
    "due_dates": TableText(
        "The due dates (vencimentos) a new subscription may choose, replaced each run",
        {
            "id_vencimento": "The due date's id in the ERP; primary key",
            "data": "The due date, as the ERP sends it (a date, or a day of the month)",
        },
    ),
    "origins": TableText(
        "Commercial origins (origens comerciais: Google, Outdoor, a friend's referral...), replaced each run",
        {"id_origem": "The origin's id in the ERP; primary key"},
    ),
    "cities": TableText(
        "The ERP's cities (many ERPs code cities their own way), replaced each run",
        {
            "id_cidade": "The city's key: id_cidade when the ERP sends it, else id_tipo_de_atendimento (the contract's "
            "sample), else codigo_ibge; primary key",
            "id_tipo_de_atendimento": "The id the contract's cities sample carries (another list's name for it)",
            "codigo_ibge": "The city's IBGE code",
            "uf": "State (UF)",
        },
    ),
    "prospect_statuses": TableText(
        "Prospect statuses (status de prospecção: Inicial, Em análise, Aprovado...), replaced each run",
        {"status_prospeccao": "The status' id in the ERP; primary key"},
    ),
}


def table_text(table: str, columns: Collection[str] | None = None) -> TableText:
    """The texts of `table` and its columns (a table's own text first, then COMMON), of `columns` only when given.
    Raises KeyError for a table not described here."""
    written = TABLES[table]
    texts = {**COMMON, **written.columns}
    return TableText(written.description, {k: v for k, v in texts.items() if columns is None or k in columns})
