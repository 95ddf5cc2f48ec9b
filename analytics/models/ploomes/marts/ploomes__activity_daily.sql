{#- Per owner and local day: tasks created, tasks completed and interaction records. It grows with the account's
    history, so a build recounts only the days that rows loaded since the previous build touch, whole (a task moved
    to another owner is recounted for both; a day left without activity is emptied by the pre-hook, since
    delete+insert only replaces the days it inserts), and `dbt build --full-refresh` recounts everything. A record
    whose date was edited leaves its former day as it was until then. -#}
{{ config(
    materialized='incremental',
    unique_key='activity_date',
    incremental_strategy='delete+insert',
    pre_hook="{% if is_incremental() %}delete from {{ this }} where activity_date in ({{ ploomes_activity_touched_days() }}){% endif %}",
) }}

with events as (
    {{ ploomes_activity_events() }}
)

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
    -- after the pre-hook: a superset of the days it emptied, when those held the newest loads
    and events.activity_date in ({{ ploomes_activity_touched_days() }})
{%- endif %}
group by 1, 2, 3
