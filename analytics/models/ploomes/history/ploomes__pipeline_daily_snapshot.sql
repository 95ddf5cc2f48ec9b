{#- The open pipeline at the end of each local day, from the deals' versions. A version counts on a day when it was
    the deal's version at the day's last instant: from its first local day to the day before its last. Rather than
    pairing every day with every deal (days x deals rows to rebuild), each open version adds one deal and its amount
    to its stage on the day it begins and takes them away on the day it ends, and a running sum per stage gives each
    day's figures: a rebuild reads each version once and writes days x stages rows. -#}
{%- set open_status = var('ploomes_deal_status_open') -%}
with versions as (
    select * from {{ ref('stg_ploomes__deal_versions') }}
),

open_versions as (
    select
        pipeline_id,
        stage_id,
        cast(coalesce(amount, 0) as numeric(38, 6)) as amount,
        {{ local_date('valid_from') }} as first_day,
        {{ local_date('valid_to') }} as end_day
    from versions
    where status_id = {{ open_status }}
),

changes as (
    select pipeline_id, stage_id, first_day as change_day, 1 as deals, amount
    from open_versions
    union all
    select pipeline_id, stage_id, end_day, -1, -amount
    from open_versions
    where end_day is not null
),

daily_changes as (
    select pipeline_id, stage_id, change_day, sum(deals) as deals, sum(amount) as amount
    from changes
    group by pipeline_id, stage_id, change_day
),

days as (
    select cast(series.day as date) as snapshot_date
    from {{ date_series(
        '(select min(' ~ local_date('valid_from') ~ ') from versions)',
        local_date(dbt.current_timestamp()),
        'series'
    ) }}
),

-- every stage of every pipeline, and any stage a version was in that Ploomes no longer lists
stages as (
    select pipeline_id, stage_id from {{ ref('stg_ploomes__deal_stages') }}
    union
    select distinct pipeline_id, stage_id from versions where stage_id is not null
),

running as (
    select
        days.snapshot_date,
        stages.pipeline_id,
        stages.stage_id,
        sum(coalesce(daily_changes.deals, 0)) over by_stage as open_deals,
        sum(coalesce(daily_changes.amount, 0)) over by_stage as open_amount
    from days
    cross join stages
    left join daily_changes
        on daily_changes.change_day = days.snapshot_date
        and daily_changes.stage_id = stages.stage_id
        and daily_changes.pipeline_id is not distinct from stages.pipeline_id
    window by_stage as (
        partition by stages.pipeline_id, stages.stage_id
        order by days.snapshot_date
        rows between unbounded preceding and current row
    )
)

select
    running.snapshot_date,
    running.pipeline_id,
    pipelines.pipeline_name,
    pipelines.pipeline_position,
    running.stage_id,
    stages.stage_name,
    stages.stage_position,
    cast(running.open_deals as {{ dbt.type_bigint() }}) as open_deals,
    cast(running.open_amount as numeric(38, 2)) as open_amount
from running
left join {{ ref('stg_ploomes__deal_pipelines') }} as pipelines
    on pipelines.pipeline_id = running.pipeline_id
left join {{ ref('stg_ploomes__deal_stages') }} as stages
    on stages.stage_id = running.stage_id
