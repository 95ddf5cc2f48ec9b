-- One row per deal and stretch of time in one stage, from the deal's versions (stage_intervals: versions that changed
-- something else merge). Times are the connector's loads, not Ploomes': a deal that moved twice between two runs
-- shows only where it ended up.
with intervals as (
    {{ stage_intervals(ref('stg_ploomes__deal_versions'), ['pipeline_id', 'stage_id']) }}
)

select
    intervals.deal_id,
    intervals.interval_number,
    intervals.pipeline_id,
    pipelines.pipeline_name,
    intervals.stage_id,
    stages.stage_name,
    stages.stage_position,
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
left join {{ ref('stg_ploomes__deal_pipelines') }} as pipelines
    on pipelines.pipeline_id = intervals.pipeline_id
left join {{ ref('stg_ploomes__deal_stages') }} as stages
    on stages.stage_id = intervals.stage_id
