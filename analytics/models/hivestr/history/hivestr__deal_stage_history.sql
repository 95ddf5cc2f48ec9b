-- One row per card and stretch of time in one stage, from the card's versions (stage_intervals: versions that
-- changed something else, a task falling due say, merge). Times are the connector's loads, not Hivestr's.
with intervals as (
    {{ stage_intervals(ref('stg_hivestr__pipeline_deal_versions'), ['pipeline_stage']) }}
)

select
    intervals.deal_id,
    intervals.interval_number,
    intervals.pipeline_stage as stage_name,
    coalesce(stages.stage_position, 100) as stage_position,
    coalesce(stages.is_closed, false) as is_closed_stage,
    intervals.entered_at,
    intervals.left_at,
    {{ local_timestamp('intervals.entered_at') }} as entered_at_local,
    {{ local_timestamp('intervals.left_at') }} as left_at_local,
    {%- set time_in_stage = seconds_between('intervals.entered_at',
        'coalesce(intervals.left_at, ' ~ dbt.current_timestamp() ~ ')') %}
    cast({{ time_in_stage }} / 3600 as numeric(14, 2)) as hours_in_stage,
    cast({{ time_in_stage }} / 86400 as numeric(14, 2)) as days_in_stage,
    intervals.left_at is null as is_current
from intervals
left join {{ ref('hivestr_pipeline_stages') }} as stages
    on stages.stage_name = intervals.pipeline_stage
