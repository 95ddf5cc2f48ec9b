{%- set text, integer, timestamp = dbt.type_string(), dbt.type_bigint(), dbt.type_timestamp() -%}
with deals as (
    select
        {{ columns_or_null(source('hivestr', 'pipeline_deals'), {
            'id': text, 'title': text, 'pipeline_stage': text, 'client_id': text, 'client_name': text,
            'user_id': text, 'user': text, 'proposal_id': text, 'estimated_value': integer, 'lost_reason': text,
            'tasks_pending': integer, 'tasks_overdue': integer, 'created_at': timestamp, 'updated_at': timestamp,
        }) }}
    from {{ source('hivestr', 'pipeline_deals') }}
    where _deleted_at is null
)

select
    id as deal_id,
    title,
    pipeline_stage,
    client_id,
    client_name,
    user_id as owner_id,
    {{ json_text(adapter.quote('user'), 'full_name') }} as owner_name,
    proposal_id,
    estimated_value as estimated_value_centavos,
    {{ centavos_to_reais('estimated_value') }} as estimated_value,
    lost_reason,
    tasks_pending,
    tasks_overdue,
    created_at,
    updated_at
from deals
