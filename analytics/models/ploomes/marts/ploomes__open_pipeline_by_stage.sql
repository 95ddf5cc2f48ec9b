-- Every stage of every pipeline, those without an open deal included (count 0, value 0), in the order Ploomes
-- shows them: sort by pipeline_position, then stage_position.
with open_deals as (
    select
        stage_id,
        count(*) as open_deals,
        sum(amount) as open_amount
    from {{ ref('ploomes__deals_enhanced') }}
    where is_open
    group by stage_id
)

select
    pipelines.pipeline_id,
    pipelines.pipeline_name,
    pipelines.pipeline_position,
    pipelines.is_archived as is_pipeline_archived,
    stages.stage_id,
    stages.stage_name,
    stages.stage_position,
    coalesce(open_deals.open_deals, 0) as open_deals,
    coalesce(open_deals.open_amount, 0) as open_amount
from {{ ref('stg_ploomes__deal_stages') }} as stages
inner join {{ ref('stg_ploomes__deal_pipelines') }} as pipelines
    on pipelines.pipeline_id = stages.pipeline_id
left join open_deals
    on open_deals.stage_id = stages.stage_id
