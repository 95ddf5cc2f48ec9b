-- Pipeline tasks not completed whose due time has passed, as of the query (a view): the full list behind the
-- API's reminders bell, which shows only the current user's.
{{ config(materialized='view') }}

select
    tasks.task_id,
    tasks.title,
    tasks.due_at,
    {{ local_timestamp('tasks.due_at') }} as due_at_local,
    {{ dbt.datediff('tasks.due_at', dbt.current_timestamp(), 'day') }} as days_overdue,
    tasks.assignee_id,
    tasks.assignee_name,
    tasks.deal_id,
    deals.title as deal_title,
    deals.pipeline_stage,
    deals.client_id,
    deals.client_name,
    deals.owner_name as deal_owner_name
from {{ ref('stg_hivestr__pipeline_deal_tasks') }} as tasks
left join {{ ref('stg_hivestr__pipeline_deals') }} as deals
    on deals.deal_id = tasks.deal_id
where not coalesce(tasks.is_completed, false)
    and tasks.due_at < {{ dbt.current_timestamp() }}
