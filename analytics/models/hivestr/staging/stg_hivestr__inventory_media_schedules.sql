{%- set text, integer = dbt.type_string(), dbt.type_bigint() -%}
with schedules as (
    select
        {{ columns_or_null(source('hivestr', 'inventory_media_schedules'), {
            'id': text, 'inventory_id': text, 'program_name': text, 'start_time': 'time', 'end_time': 'time',
            'run_days': text, 'social_class': text, 'price_per_slot': integer, 'available_slots': integer,
            'audience': integer, 'is_active': 'boolean',
        }) }}
    from {{ source('hivestr', 'inventory_media_schedules') }}
    where _deleted_at is null
)

select
    id as schedule_id,
    inventory_id as vehicle_id,
    program_name,
    start_time,
    end_time,
    cast(run_days as {{ dbt.type_string() }}) as run_days,
    social_class,
    {{ centavos_to_reais('price_per_slot') }} as price_per_slot,
    available_slots,
    audience,
    is_active
from schedules
