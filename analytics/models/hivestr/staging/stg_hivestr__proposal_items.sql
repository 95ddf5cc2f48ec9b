{%- set text, integer = dbt.type_string(), dbt.type_bigint() -%}
with items as (
    select
        {{ columns_or_null(source('hivestr', 'proposal_items'), {
            'id': text, 'proposal_id': text, 'vehicle_id': text, 'schedule_id': text, 'quantity': integer,
            'screen_quantity': integer, 'unit_price': integer, 'final_price': integer,
            'discount_percentage': integer, 'is_bonus': 'boolean', 'notes': text,
        }) }}
    from {{ source('hivestr', 'proposal_items') }}
    where _deleted_at is null
)

select
    id as proposal_item_id,
    proposal_id,
    vehicle_id,
    schedule_id,
    quantity,
    screen_quantity,
    {{ centavos_to_reais('unit_price') }} as unit_price,
    final_price as final_price_centavos,
    {{ centavos_to_reais('final_price') }} as final_price,
    discount_percentage,
    is_bonus,
    notes
from items
