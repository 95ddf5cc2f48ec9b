{#- Contacts with the name behind each id, then their custom fields: a value as loaded; an option list's current
    label (`<field>_label`, from field_options); a user, contact or product field's current name (`<field>_name`).
    A multi-select field keeps its loaded `<field>_id` / `<field>_val`; ploomes__multiselect_options has one row
    per selected option. -#}
-- depends_on: {{ ref('stg_ploomes__field_options') }}, {{ ref('stg_ploomes__products') }}
{%- set lookup_columns = {
    'type': 'contact_types', 'class': 'contact_classes', 'status': 'contact_statuses',
    'relationship': 'contact_relationships', 'line_of_business': 'contact_lines_of_business',
    'origin': 'contact_origins', 'number_of_employees': 'contact_numbers_of_employees', 'role': 'roles',
    'department': 'departments', 'city': 'cities', 'currency': 'currencies',
} -%}
{%- set named_by = {'user': ('stg_ploomes__users', 'user_id', 'user_name'),
                    'contact': ('stg_ploomes__contacts', 'contact_id', 'contact_name'),
                    'product': ('stg_ploomes__products', 'product_id', 'product_name')} -%}
{%- set fields = ploomes_custom_fields('contacts') %}

with lookups as (
    select * from {{ ref('stg_ploomes__lookups') }}
)

select
    contacts.contact_id,
    contacts.contact_name,
    contacts.legal_name,
    contacts.register,
    contacts.email,
    contacts.website,
    contacts.note,
    contacts.company_id,
    companies.contact_name as company_name,
    contacts.owner_id,
    owners.user_name as owner_name,
    {%- for column, table in lookup_columns.items() %}
    contacts.{{ column }}_id,
    {{ column }}_lookup.lookup_name as {{ column }}_name,
    {%- endfor %}
    cities.state_id,
    states.name as state_name,
    cities.country_id,
    countries.name as country_name,
    contacts.zip_code,
    contacts.street_address,
    contacts.street_address_number,
    contacts.neighborhood,
    contacts.created_at,
    contacts.updated_at
    {%- for field in fields %}
    {%- set base = field.value_column[:-3] if field.value_column.endswith('_id') else field.value_column %}
    {%- for column in field.columns %},
    contacts.{{ adapter.quote(column) }}
    {%- endfor %}
    {%- if field.kind == 'option' and not field.multiple %},
    custom_{{ loop.index }}.option_name as {{ adapter.quote(base ~ '_label') }}
    {%- elif field.kind in named_by and not field.multiple %},
    custom_{{ loop.index }}.{{ named_by[field.kind][2] }} as {{ adapter.quote(base ~ '_name') }}
    {%- endif %}
    {%- endfor %}
from {{ ref('stg_ploomes__contacts') }} as contacts
left join {{ ref('stg_ploomes__contacts') }} as companies
    on companies.contact_id = contacts.company_id
left join {{ ref('stg_ploomes__users') }} as owners
    on owners.user_id = contacts.owner_id
{%- for column, table in lookup_columns.items() %}
left join lookups as {{ column }}_lookup
    on {{ column }}_lookup.lookup_table = '{{ table }}' and {{ column }}_lookup.lookup_id = contacts.{{ column }}_id
{%- endfor %}
left join {{ source('ploomes', 'cities') }} as cities
    on cities.id = contacts.city_id
left join {{ source('ploomes', 'states') }} as states
    on states.id = cities.state_id
left join {{ source('ploomes', 'countries') }} as countries
    on countries.id = cities.country_id
{%- for field in fields %}
{%- if field.kind == 'option' and not field.multiple %}
left join {{ ref('stg_ploomes__field_options') }} as custom_{{ loop.index }}
    on custom_{{ loop.index }}.option_id = contacts.{{ adapter.quote(field.value_column) }}
{%- elif field.kind in named_by and not field.multiple %}
left join {{ ref(named_by[field.kind][0]) }} as custom_{{ loop.index }}
    on custom_{{ loop.index }}.{{ named_by[field.kind][1] }} = contacts.{{ adapter.quote(field.value_column) }}
{%- endif %}
{%- endfor %}
