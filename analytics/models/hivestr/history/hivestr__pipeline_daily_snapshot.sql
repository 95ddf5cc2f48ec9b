{#- The open pipeline at the end of each local day, from the cards' versions: open means in a stage that is not
    closed (Ganho, Perdido: seeds/hivestr/hivestr_pipeline_stages.csv; a stage the seed does not know counts as open,
    as in hivestr__deal_funnel). Built like ploomes__pipeline_daily_snapshot: each open version adds its card on the
    day it begins and takes it away on the day it ends, and a running sum per stage gives each day's figures. -#}
with versions as (
    select * from {{ ref('stg_hivestr__pipeline_deal_versions') }}
),

closed_stages as (
    select stage_name from {{ ref('hivestr_pipeline_stages') }} where is_closed
),

open_versions as (
    select
        pipeline_stage,
        coalesce(estimated_value, 0) as estimated_value,
        {{ local_date('valid_from') }} as first_day,
        {{ local_date('valid_to') }} as end_day
    from versions
    where pipeline_stage is not null
        and pipeline_stage not in (select stage_name from closed_stages)
),

changes as (
    select pipeline_stage, first_day as change_day, 1 as deals, estimated_value
    from open_versions
    union all
    select pipeline_stage, end_day, -1, -estimated_value
    from open_versions
    where end_day is not null
),

daily_changes as (
    select pipeline_stage, change_day, sum(deals) as deals, sum(estimated_value) as estimated_value
    from changes
    group by pipeline_stage, change_day
),

days as (
    select cast(series.day as date) as snapshot_date
    from {{ date_series(
        '(select min(' ~ local_date('valid_from') ~ ') from versions)',
        local_date(dbt.current_timestamp()),
        'series'
    ) }}
),

-- the open stages in board order, then any other stage a card was in
stages as (
    select stage_name, stage_position
    from {{ ref('hivestr_pipeline_stages') }}
    where not is_closed
    union
    select distinct pipeline_stage, 100
    from open_versions
    where pipeline_stage not in (select stage_name from {{ ref('hivestr_pipeline_stages') }})
),

running as (
    select
        days.snapshot_date,
        stages.stage_name,
        stages.stage_position,
        sum(coalesce(daily_changes.deals, 0)) over by_stage as open_deals,
        sum(coalesce(daily_changes.estimated_value, 0)) over by_stage as open_estimated_value
    from days
    cross join stages
    left join daily_changes
        on daily_changes.change_day = days.snapshot_date
        and daily_changes.pipeline_stage = stages.stage_name
    window by_stage as (
        partition by stages.stage_name
        order by days.snapshot_date
        rows between unbounded preceding and current row
    )
)

select
    snapshot_date,
    stage_name,
    stage_position,
    cast(open_deals as {{ dbt.type_bigint() }}) as open_deals,
    cast(open_estimated_value as numeric(20, 2)) as open_estimated_value
from running
