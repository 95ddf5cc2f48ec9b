select
    id as pipeline_id,
    name as pipeline_name,
    ordination as pipeline_position,
    archived as is_archived
from {{ source('ploomes', 'deal_pipelines') }}
