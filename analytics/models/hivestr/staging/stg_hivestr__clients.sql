{%- set text, timestamp = dbt.type_string(), dbt.type_timestamp() -%}
with clients as (
    select
        {{ columns_or_null(source('hivestr', 'clients'), {
            'id': text, 'name': text, 'company_name': text, 'status': text, 'city': text, 'state': text,
            'source': text, 'created_at': timestamp,
        }) }}
    from {{ source('hivestr', 'clients') }}
    where _deleted_at is null
)

select
    id as client_id,
    name as client_name,
    company_name,
    status,
    city,
    state,
    source,
    created_at
from clients
