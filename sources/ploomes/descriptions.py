"""What every Ploomes table and column holds: the texts of the `description` hints (sources/descriptions.py).

One entry per table of `entities.py` (its child tables and `custom_fields` included), sourced from Kondado's table
reference and the Ploomes API guide, with the vendor's pt-BR label in quotes where it helps to find the field in
Ploomes. Columns many tables share are described once, in `COMMON`; a table's own text wins. A native column's
description ends with its Ploomes property and the table it references, added by `table_text`; custom-field
columns are described by custom_fields.py, from the account's `/Fields`. A declared column with no text here fails
tests/unit/test_descriptions.py; any column a load of the simulator makes, tests/integration/test_documentation.py.
"""

from __future__ import annotations

from collections.abc import Mapping

from sources.descriptions import TableText, annotated

from .rows import snake

_UTC = "UTC"
_SHARING = {
    "shared": "Whether it was shared with the client through a link",
    "externally_accepted": "Whether the client accepted it through the shared link",
    "external_notifications": "Whether Ploomes notifies the owner when the client opens the shared link",
    "external_sharing_date": f"When it was shared with the client, {_UTC}",
    "document_url": "Its public URL, once shared externally",
    "file_name": "The name of its generated file (PDF)",
    "template_id": "The document template it is rendered with",
    "approval_status_id": 'Its approval status ("Status de aprovação")',
    "approval_level_id": "The approval level it has reached",
}

COMMON: dict[str, str] = {
    "id": "The record's Ploomes Id; primary key",
    "name": "Its name, as shown in Ploomes",
    "create_date": f"When the record was created in Ploomes, {_UTC}",
    "last_update_date": f"When the record last changed in Ploomes (any change, automations included), {_UTC}",
    "creator_id": "The user who created it",
    "updater_id": "The user who last changed it",
    "owner_id": 'The user responsible for it ("Responsável")',
    "contact_id": "The client (company or person) it belongs to",
    "person_id": "The person it is addressed to, when the client is a company",
    "deal_id": "The deal it belongs to",
    "product_id": "The product",
    "currency_id": "The currency of its amounts",
    "pipeline_id": 'The deal pipeline ("Funil")',
    "country_id": "The country",
    "state_id": "The state (UF)",
    "city_id": "The city",
    "ordination": "Its position among its siblings, smallest first",
    "icon": "The icon Ploomes shows for it (a Font Awesome name)",
    "color": "The colour Ploomes shows it in (hex RGB)",
    "email": "E-mail address",
    "phone": "Phone number, as typed",
    "facebook": "Facebook profile",
    "avatar_url": "URL of the picture Ploomes shows for it",
    "latitude": "Latitude, in decimal degrees",
    "longitude": "Longitude, in decimal degrees",
    "key": 'An external key, e.g. its code in an ERP ("Chave")',
    "quantity": "Quantity, in the product's measurement unit",
    **_SHARING,
}

_LINE_ITEM = {
    "id": "The line item's Ploomes Id; primary key",
    "product_id": "The product sold",
    "quantity": "Quantity, in the product's measurement unit",
    "unit_price": "Price of one unit, in the parent's currency",
    "discount": "Discount on this line, in percent",
    "total": "The line's total after discount (quantity x unit price - discount), in the parent's currency",
    "bonus": 'Quantity given free ("Bonificação"), in the product\'s measurement unit',
}


def _lookup(what: str) -> TableText:
    return TableText(f"{what}; a lookup, replaced whole every run", {"id": "Its Ploomes Id; primary key"})


TABLES: dict[str, TableText] = {
    # --- records ---
    "contacts": TableText(
        'Clients, companies and people ("Clientes", Ploomes /Contacts), one row each; custom fields are columns',
        {
            "type_id": 'Company or person ("Tipo": 1 company, 2 person)',
            "class_id": 'The client\'s class ("Classificação")',
            "name": "The client's name (a company's trade name, a person's full name)",
            "legal_name": 'A company\'s registered name ("Razão social")',
            "register": "CNPJ for a company, CPF for a person, as typed",
            "status_id": 'The client\'s status ("Status")',
            "company_id": "For a person: the company the person works for",
            "relationship_id": 'The relationship with the client ("Relação", e.g. customer, partner)',
            "line_of_business_id": 'The client\'s line of business ("Segmento")',
            "origin_id": 'Where the client came from ("Origem")',
            "number_of_employees_id": 'The company\'s size band ("Número de funcionários")',
            "owner_id": 'The user responsible for the client ("Responsável")',
            "note": 'Free notes about the client ("Observações")',
            "website": "The client's website",
            "role_id": 'For a person: the person\'s job title ("Cargo")',
            "department_id": "For a person: the person's department",
            "skype": "Skype name",
            "street_address": 'Street of the address ("Endereço")',
            "street_address_number": "Number of the address",
            "street_address_line2": 'Address complement ("Complemento")',
            "neighborhood": 'Neighbourhood ("Bairro")',
            "zip_code": "Brazilian postal code (CEP), digits as sent",
            "foreign_zip_code": "Postal code of an address outside Brazil",
            "currency_id": "The client's default currency",
            "email_marketing": "Whether the client accepts marketing e-mail",
            "cnae_code": "The company's CNAE code (its economic activity)",
            "cnae_name": "The description of the company's CNAE code",
            "identity_document": "An identity document number outside Brazil",
            "birthday": f"A person's birthday, {_UTC}",
            "tags": 'The client\'s tags ("Marcadores"): a JSON list of {TagId, Tag: {Id, Name}}, TagId being tags.id',
        },
    ),
    "contact_phones": TableText(
        "The phone numbers of each client (Ploomes Contacts' Phones), one row per number; replaced with its client",
        {
            "id": "The phone's Ploomes Id, or a key made from the client, position and number when Ploomes gives none",
            "phone_number": 'The number, as typed (e.g. "(11) 99999-9999")',
            "type_id": "Kind of phone (1 commercial, 2 mobile, ...)",
            "country_id": "The country of the number (76 Brazil)",
            "contact_id": "The client the number belongs to",
        },
    ),
    "deals": TableText(
        'Deals, the sales opportunities ("Negócios", Ploomes /Deals), one row each; custom fields are columns',
        {
            "title": "The deal's title",
            "contact_id": "The client of the deal; Ploomes' placeholder client when it has none",
            "person_id": "The person at the client the deal is with",
            "status_id": 'Open, won or lost ("Status")',
            "stage_id": 'The stage the deal is at ("Estágio")',
            "last_stage_id": "The last stage the deal reached",
            "loss_reason_id": 'Why the deal was lost ("Motivo de perda")',
            "origin_id": 'Where the deal came from ("Origem")',
            "owner_id": 'The user responsible for the deal ("Responsável")',
            "amount": "The deal's value, in the currency of currency_id",
            "origin_deal_id": "The deal this one was derived from",
            "deal_number": "The deal's sequential number in the account",
            "contact_product_id": "The client's product the deal is about",
            "start_date": f"When the deal was opened, {_UTC}",
            "finish_date": f"When the deal was won or lost, {_UTC}; empty while open",
        },
    ),
    "leads": TableText(
        "Leads, prospects not yet qualified into clients and deals (Ploomes /Leads), one row each",
        {
            "name": "The lead's name",
            "company_name": "The lead's company, as typed",
            "origin_id": 'Where the lead came from ("Origem")',
            "contact_id": "The client the lead became, once qualified",
            "deal_id": "The deal the lead became, once qualified",
            "status_id": "The lead's status",
        },
    ),
    "orders": TableText(
        'Orders, the sales ("Vendas", Ploomes /Orders), one row each; its products are in order_products',
        {
            "order_number": "The order's sequential number in the account",
            "date": f'The order\'s date ("Data da venda"), {_UTC}',
            "contact_id": "The client who bought",
            "stage_id": 'The stage the order is at ("Estágio da venda")',
            "deal_id": "The deal the order came from",
            "owner_id": "The user responsible for the order",
            "amount": "The order's total, in the currency of currency_id",
            "discount": "The discount on the whole order, in percent",
            "internal_comments": "Comments kept inside the team",
            "description": "The order's description",
            "agent_id": 'The agent who earns a commission on it ("Comissionado")',
            "commission": "The agent's commission, in percent",
            "origin_quote_id": "The quote the order was made from",
        },
    ),
    "order_products": TableText(
        "The products of each order (Ploomes Orders' Products, Kondado's \"Vendas: produtos\"), one row per line; "
        "replaced with its order",
        {
            **_LINE_ITEM,
            "order_id": "The order the line belongs to",
            "deal_id": "The order's deal, copied from the order",
            "owner_id": "The order's responsible user, copied from the order",
            "contact_id": "The order's client, copied from the order",
        },
    ),
    "quotes": TableText(
        'Quotes, the proposals sent to clients ("Propostas", Ploomes /Quotes), one row each; its products are in '
        "quote_products",
        {
            "quote_number": "The quote's sequential number in the account",
            "date": f"The quote's date, {_UTC}",
            "deal_id": "The deal the quote is for",
            "amount": "The quote's total, in the currency of currency_id",
            "last_review_id": 'The quote\'s latest revision ("Revisão")',
        },
    ),
    "quote_products": TableText(
        "The products of each quote (Ploomes Quotes' Products, Kondado's \"Propostas: produtos\"), one row per line; "
        "replaced with its quote",
        {
            **_LINE_ITEM,
            "quote_id": "The quote the line belongs to",
            "deal_id": "The quote's deal, copied from the quote",
            "owner_id": "The quote's responsible user, copied from the quote",
            "contact_id": "The quote's client, copied from the quote",
        },
    ),
    "products": TableText(
        'Products and services sold ("Produtos", Ploomes /Products), one row each; custom fields are columns',
        {
            "name": "The product's name",
            "code": 'The product\'s code ("Código", e.g. its SKU)',
            "group_id": 'The product\'s group ("Grupo")',
            "family_id": 'The product\'s family ("Família")',
            "measurement_unit": 'The unit it is sold in (e.g. "un", "kg", "h")',
            "image_url": "URL of the product's picture",
            "currency_id": "The currency of its price",
            "unit_price": "The price of one unit, in the currency of currency_id",
        },
    ),
    "tasks": TableText(
        'Tasks, the to-dos scheduled for users ("Tarefas", Ploomes /Tasks), one row each',
        {
            "title": "The task's title",
            "description": "The task's description",
            "type_id": 'The kind of task ("Tipo": call, e-mail, meeting, ...)',
            "contact_id": "The client the task is about",
            "deal_id": "The deal the task is about",
            "owner_id": "The user the task is assigned to",
            "date_time": f"When the task is due, {_UTC}",
            "finished": "Whether the task is done",
            "lenght": "The task's duration, in minutes in the data seen; the name keeps Ploomes' spelling",
            "repeat_interval_length": "For a repeating task: how many interval units between repetitions",
            "repeat_interval_unit_id": "For a repeating task: the unit of its interval (day, week, month, ...)",
            "email_reminder_id": 'When the owner gets an e-mail reminder ("Lembrete")',
        },
    ),
    "interaction_records": TableText(
        'Interaction records, the history of contacts with clients ("Registros de interação", Ploomes '
        "/InteractionRecords), one row each",
        {
            "contact_id": "The client the interaction was with",
            "deal_id": "The deal it is about",
            "owner_id": "The user who recorded it",
            "date": f"When the interaction happened, {_UTC}",
            "type_id": "The kind of interaction (a task type: call, e-mail, meeting, ...)",
            "title": "The record's title",
            "content": "What was said or done",
            "latitude": "Where it was recorded: latitude, in decimal degrees (for visits)",
            "longitude": "Where it was recorded: longitude, in decimal degrees (for visits)",
            "email_recipients": "For an e-mail: its recipients",
            "email_subject": "For an e-mail: its subject",
        },
    ),
    "documents": TableText(
        'Documents generated from templates, e.g. contracts ("Documentos", Ploomes /Documents), one row each',
        {
            "name": "The document's name",
            "document_number": "The document's sequential number in the account",
            "date": f"The document's date, {_UTC}",
            "contact_id": "The client the document is for",
            "origin_quote_id": "The quote the document was made from",
        },
    ),
    "users": TableText(
        'The account\'s users ("Usuários", Ploomes /Users), integration users included, one row each',
        {
            "name": "The user's name",
            "role_id": 'The user\'s job title ("Cargo")',
            "profile_id": 'The user\'s permission profile ("Perfil")',
            "language": "The user's language (e.g. pt-BR)",
            "linked_in": "LinkedIn profile",
            "suspension_reason_id": "Why the user was suspended",
            "suspension_reason_comments": "Comments on the suspension",
            "integration": "Whether it is an integration user (a fixed User-Key, like this connector's)",
            "native_integration": "Whether it is the user of one of Ploomes' own integrations",
            "courtesy": 'Whether the user is free of charge ("Cortesia")',
            "suspended": "Whether the user is suspended",
            "update_date": f"When the user's profile was last changed, {_UTC}",
        },
    ),
    # --- lookups ---
    "contact_types": _lookup('Kinds of client ("Clientes: tipos"): company or person'),
    "contact_statuses": _lookup('Client statuses ("Clientes: status")'),
    "contact_relationships": _lookup('Relationships with a client ("Clientes: relações")'),
    "contact_lines_of_business": _lookup('Clients\' lines of business ("Clientes: segmentos")'),
    "contact_origins": _lookup('Where clients come from ("Clientes: origens")'),
    "contact_classes": _lookup('Client classes ("Clientes: classificações")'),
    "contact_numbers_of_employees": _lookup('Company size bands ("Clientes: número de funcionários")'),
    "contact_products": TableText(
        'Products a client has ("Produtos do cliente", Ploomes /Contacts@Products); replaced whole every run',
        {
            "id": "Its Ploomes Id; primary key",
            "contact_id": "The client",
            "product_id": "The product the client has",
            "quantity": "How many the client has, in the product's measurement unit",
            "create_date": f"When it was added, {_UTC}",
        },
    ),
    "deal_pipelines": TableText(
        'Deal pipelines ("Negócios: funis"), with how each behaves; a lookup, replaced whole every run',
        {
            "id": "Its Ploomes Id; primary key",
            "must_pass_all_stages": "Whether a deal must pass every stage in order",
            "forbidden_stage_return": "Whether a deal may not go back to an earlier stage",
            "may_create_quotes": "Whether quotes can be made from its deals",
            "may_create_orders": "Whether orders can be made from its deals",
            "may_create_documents": "Whether documents can be made from its deals",
            "may_win_deals": "Whether its deals can be won",
            "may_lose_deals": "Whether its deals can be lost",
            "form_id": "The form its deals are edited with",
            "quick_form_id": "The short form its deals are created with",
            "archived": "Whether the pipeline is archived",
            "new_order_on_won_deal": "Whether winning a deal opens a new order for the user to fill",
            "create_order_on_won_deal": "Whether winning a deal creates an order by itself",
            "win_deal_on_last_stage": "Whether a deal can be won only at the last stage",
            "singular_unit_name": 'What its deals are called, singular (e.g. "negócio")',
            "plural_unit_name": "What its deals are called, plural",
            "gender_id": "The grammatical gender of that name (for pt-BR texts)",
            "enable_table_view_mode": "Whether the table view is available",
            "enable_funnel_view_mode": "Whether the funnel (kanban) view is available",
            "ordination": "The pipeline's position in the list, smallest first",
            "quotes_use_erp_format": "Whether its quotes open in the full-screen editor",
            "orders_use_erp_format": "Whether its orders open in the full-screen editor",
            "documents_use_erp_format": "Whether its documents open in the full-screen editor",
        },
    ),
    "deal_stages": TableText(
        'The stages of each deal pipeline ("Negócios: estágios"); a lookup, replaced whole every run',
        {
            "id": "Its Ploomes Id; primary key",
            "pipeline_id": "The pipeline the stage belongs to",
            "ordination": "The stage's position in its pipeline, smallest first",
        },
    ),
    "deal_statuses": _lookup('Deal statuses ("Negócios: status"): open, won, lost'),
    "deal_loss_reasons": TableText(
        'Why deals are lost ("Negócios: motivos de perda"); a lookup, replaced whole every run',
        {"id": "Its Ploomes Id; primary key", "pipeline_id": "The pipeline the reason applies to"},
    ),
    "order_stages": TableText(
        'The stages of an order ("Vendas: estágios"); a lookup, replaced whole every run',
        {"id": "Its Ploomes Id; primary key", "ordination": "The stage's position, smallest first"},
    ),
    "quote_approval_statuses": _lookup('Approval statuses of quotes ("Propostas: status de aprovação")'),
    "product_groups": TableText(
        'Product groups ("Produtos: grupos"); a lookup, replaced whole every run',
        {
            "id": "Its Ploomes Id; primary key",
            "family_id": "The family the group belongs to",
            "fixed_price": "Whether the group's products have a fixed price",
            "default": "Whether it is the default group",
        },
    ),
    "product_families": _lookup('Product families ("Produtos: famílias")'),
    "product_parts": TableText(
        'The parts a product is made of ("Produtos: partes"); a lookup, replaced whole every run',
        {
            "id": "Its Ploomes Id; primary key",
            "product_id": "The product made of parts",
            "part_product_id": "The product that is a part of it",
            "quantity": "How many of the part one product takes",
        },
    ),
    "task_types": TableText(
        'Kinds of task and of interaction ("Tarefas: tipos": call, e-mail, meeting, ...); a lookup, replaced whole '
        "every run",
        {"id": "Its Ploomes Id; primary key"},
    ),
    "task_email_reminders": _lookup('When a task\'s owner gets an e-mail reminder ("Tarefas: tipos de lembrete")'),
    "task_repeat_interval_units": TableText(
        'Units of a repeating task\'s interval ("Tarefas: intervalos de repetição"); a lookup, replaced whole '
        "every run",
        {
            "id": "Its Ploomes Id; primary key",
            "date_part": "The unit as a date part (day, week, month, year)",
            "date_part_length": "How many days the unit lasts",
        },
    ),
    "user_profiles": _lookup('Users\' permission profiles ("Usuários: perfis")'),
    "user_suspension_reasons": _lookup('Why users get suspended ("Usuários: motivos de suspensão")'),
    "roles": _lookup('Job titles of users and contacts ("Cargos")'),
    "departments": _lookup('Departments of users and contacts ("Departamentos")'),
    "teams": TableText(
        'Teams of users ("Equipes"); a lookup, replaced whole every run',
        {"id": "Its Ploomes Id; primary key", "leader_id": "The user who leads the team, a users.id"},
    ),
    "tags": TableText(
        'Tags that can be put on records ("Marcadores"); a lookup, replaced whole every run',
        {
            "id": "Its Ploomes Id; primary key",
            "entity_id": "The kind of record it applies to (1 contact, 2 deal, ...)",
        },
    ),
    "currencies": TableText(
        'Currencies ("Moedas"); a lookup, replaced whole every run',
        {
            "id": "Its Ploomes Id; primary key",
            "symbol": "The currency's symbol (e.g. R$)",
            "code": "The currency's ISO 4217 code (e.g. BRL)",
        },
    ),
    "cities": TableText(
        'Cities ("Cidades"); a lookup, replaced whole every run',
        {"id": "Its Ploomes Id; primary key", "ibge_code": "The city's IBGE code (Brazil's official city code)"},
    ),
    "states": TableText(
        'States ("Cidades: estados"); a lookup, replaced whole every run',
        {"id": "Its Ploomes Id; primary key", "short": "The state's abbreviation (UF, e.g. SP)"},
    ),
    "countries": TableText(
        'Countries ("Cidades: países"); a lookup, replaced whole every run',
        {
            "id": "Its Ploomes Id; primary key",
            "short": "The country's three-letter ISO 3166 code (e.g. BRA)",
            "short2": "The country's two-letter ISO 3166 code (e.g. BR)",
        },
    ),
    # --- metadata ---
    "field_options": TableText(
        "Every option of every option-list custom field (Ploomes /Fields@OptionsTables@Options); a custom field's "
        "<name>_id column holds these ids; replaced whole every run",
        {
            "id": "The option's Ploomes Id; primary key (what option fields' <name>_id columns hold)",
            "table_id": "The options table it belongs to (custom_fields.options_table_id)",
            "name": "The option's label, as shown in Ploomes now",
            "external_key": "An external key of the option, e.g. its code in an ERP",
            "last_update_date": f"When the option last changed, {_UTC}",
        },
    ),
    "custom_fields": TableText(
        "Every field of /Fields (custom and native), with the column(s) each custom field became; replaced whole "
        "every run",
        {
            "id": "The field's Ploomes Id; primary key",
            "key": "The field's FieldKey (entity prefix and a GUID), which records' OtherProperties name",
            "name": "The field's name, as shown in Ploomes now",
            "entity_id": "The kind of record the field belongs to (Ploomes EntityId: 1 contact, 2 deal, ...)",
            "table_name": "The table whose columns hold the field's values",
            "native_type": "How Ploomes stores its values (String, BigString, Integer, Decimal, DateTime, Bool)",
            "kind": "scalar (one column), or what the field refers to: option, user, contact, product, attachment",
            "multiple": "Whether several options can be chosen (values comma-joined in its columns)",
            "options_table_id": "For an option list: its options table (field_options.table_id)",
            "dynamic": "Whether it is a custom field; false for Ploomes' own fields, which have their own columns",
            "columns": "The columns of table_name that hold the field's values, comma-separated",
        },
    ),
}


def table_text(table: str, natives: Mapping[str, str], references: Mapping[str, str]) -> TableText:
    """The texts of `table`, whose own properties are `natives` and whose columns reference `references`: each
    native column's ends with its Ploomes property and the table it references. Raises KeyError for a table not
    described here."""
    written = TABLES[table]
    columns: dict[str, str] = {}
    for name in natives:
        column = snake(name)
        text = written.columns.get(column) or COMMON.get(column)
        if text:
            source = None if column == "id" else f"Ploomes {name}"  # every table's key: no need to name it
            columns[column] = annotated(text, source, references.get(column))
    for column, text in written.columns.items():
        columns.setdefault(column, annotated(text, None, references.get(column)))
    return TableText(written.description, columns)
