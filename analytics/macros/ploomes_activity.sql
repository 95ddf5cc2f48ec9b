{#- ploomes__activity_daily's inputs: one row per activity event (a task created, a task completed, an interaction
    record) with its owner, local day, whether the record was deleted in Ploomes, and the load that wrote it. -#}
{% macro ploomes_activity_events() -%}
    select owner_id, {{ local_date('created_at') }} as activity_date,
        1 as tasks_created, 0 as tasks_completed, 0 as interaction_records, is_deleted, _dlt_load_id
    from {{ ref('stg_ploomes__tasks') }}
    union all
    -- Ploomes keeps no completion time: a finished task counts on the day it was due.
    select owner_id, {{ local_date('due_at') }}, 0, 1, 0, is_deleted, _dlt_load_id
    from {{ ref('stg_ploomes__tasks') }}
    where is_finished
    union all
    select owner_id, {{ local_date('interaction_at') }}, 0, 0, 1, is_deleted, _dlt_load_id
    from {{ ref('stg_ploomes__interaction_records') }}
{%- endmacro %}

{#- The days that rows loaded since the model's last build touch (deleted records included: their day loses them). -#}
{% macro ploomes_activity_touched_days() -%}
    select distinct activity_date
    from ({{ ploomes_activity_events() }}) as events
    where _dlt_load_id > (select coalesce(max(last_source_load_id), '') from {{ this }})
{%- endmacro %}
