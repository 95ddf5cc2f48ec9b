{%- set text, integer = dbt.type_string(), dbt.type_bigint() -%}
with inventory as (
    select
        {{ columns_or_null(source('hivestr', 'inventory'), {
            'id': text, 'name': text, 'media_type': text, 'format': text, 'environment': text, 'city': text,
            'state': text, 'address': text, 'is_active': 'boolean', 'is_occupied': 'boolean',
            'base_price': integer, 'unit_price': integer, 'discounted_price': integer, 'audience': integer,
            'insertions_per_day': integer,
        }) }}
    from {{ source('hivestr', 'inventory') }}
    where _deleted_at is null
)

select
    id as vehicle_id,
    name as vehicle_name,
    media_type,
    format,
    environment,
    city,
    state,
    address,
    is_active,
    is_occupied,
    {{ centavos_to_reais('base_price') }} as base_price,
    {{ centavos_to_reais('unit_price') }} as unit_price,
    {{ centavos_to_reais('discounted_price') }} as discounted_price,
    audience,
    insertions_per_day
from inventory
