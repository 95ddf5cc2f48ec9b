{%- set text, timestamp = dbt.type_string(), dbt.type_timestamp() -%}
with tasks as (
    select
        {{ columns_or_null(source('hivestr', 'pipeline_deal_tasks'), {
            'id': text, 'deal_id': text, 'title': text, 'due_at': timestamp, 'is_completed': 'boolean',
            'user_id': text, 'user': text, 'created_at': timestamp, 'updated_at': timestamp,
        }) }}
    from {{ source('hivestr', 'pipeline_deal_tasks') }}
    where _deleted_at is null
)

select
    id as task_id,
    deal_id,
    title,
    due_at,
    is_completed,
    user_id as assignee_id,
    {{ json_text(adapter.quote('user'), 'full_name') }} as assignee_name,
    created_at,
    updated_at
from tasks
