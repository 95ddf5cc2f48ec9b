{#- Per owner and local day: tasks created, tasks completed and interaction records. It grows with the account's
    history, so a build recounts only the days that rows loaded since the previous build touch (whole days: a
    task moved to another owner is recounted for both), and `dbt build --full-refresh` recounts everything. A
    record whose date was edited leaves its former day as it was until then. -#}
{{ config(
    materialized='incremental',
    unique_key='activity_date',
    incremental_strategy='delete+insert',
) }}

with tasks as (
    select * from {{ ref('stg_ploomes__tasks') }}
),

interactions as (
    select * from {{ ref('stg_ploomes__interaction_records') }}
),

events as (
    select owner_id, {{ local_date('created_at') }} as activity_date,
        1 as tasks_created, 0 as tasks_completed, 0 as interaction_records, is_deleted, _dlt_load_id
    from tasks
    union all
    -- Ploomes keeps no completion time: a finished task counts on the day it was due.
    select owner_id, {{ local_date('due_at') }},
        0, 1, 0, is_deleted, _dlt_load_id
    from tasks
    where is_finished
    union all
    select owner_id, {{ local_date('interaction_at') }},
        0, 0, 1, is_deleted, _dlt_load_id
    from interactions
)

{%- if is_incremental() %},

touched_days as (
    select distinct activity_date
    from events
    where _dlt_load_id > (select coalesce(max(last_source_load_id), '') from {{ this }})
)
{%- endif %}

select
    events.activity_date,
    events.owner_id,
    owners.user_name as owner_name,
    sum(events.tasks_created) as tasks_created,
    sum(events.tasks_completed) as tasks_completed,
    sum(events.interaction_records) as interaction_records,
    max(events._dlt_load_id) as last_source_load_id
from events
left join {{ ref('stg_ploomes__users') }} as owners
    on owners.user_id = events.owner_id
where not events.is_deleted
    and events.activity_date is not null
{%- if is_incremental() %}
    and events.activity_date in (select activity_date from touched_days)
{%- endif %}
group by 1, 2, 3
