-- The pipeline's stages in board order (seeds/hivestr/hivestr_pipeline_stages.csv: the API's fixed stages), each
-- with its cards and their estimated value, stages without a card included. A card in a stage the seed does not
-- know shows after them under its own name.
with deals as (
    select
        pipeline_stage,
        count(*) as deals,
        sum(estimated_value) as estimated_value
    from {{ ref('stg_hivestr__pipeline_deals') }}
    group by pipeline_stage
),

stages as (
    select stage_name, stage_position, is_closed, is_won
    from {{ ref('hivestr_pipeline_stages') }}
    union all
    select distinct deals.pipeline_stage, 100, false, false
    from deals
    where deals.pipeline_stage not in (select stage_name from {{ ref('hivestr_pipeline_stages') }})
)

select
    stages.stage_name,
    stages.stage_position,
    stages.is_closed,
    stages.is_won,
    coalesce(deals.deals, 0) as deals,
    coalesce(deals.estimated_value, 0) as estimated_value
from stages
left join deals
    on deals.pipeline_stage = stages.stage_name
