-- Every version of every deal the connector has seen (deals_history), valid over [valid_from, valid_to).
select
    id as deal_id,
    title,
    status_id,
    pipeline_id,
    stage_id,
    owner_id,
    amount,
    last_update_date as updated_at,
    _dlt_valid_from as valid_from,
    _dlt_valid_to as valid_to
from {{ source('ploomes', 'deals_history') }}
