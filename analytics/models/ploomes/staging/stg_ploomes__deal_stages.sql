select
    id as stage_id,
    name as stage_name,
    pipeline_id,
    ordination as stage_position
from {{ source('ploomes', 'deal_stages') }}
