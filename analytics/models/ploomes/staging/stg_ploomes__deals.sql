-- Deals as loaded, records deleted in Ploomes (marked by the deletion sweep) left out.
select
    id as deal_id,
    title,
    deal_number,
    status_id,
    pipeline_id,
    stage_id,
    last_stage_id,
    loss_reason_id,
    origin_id,
    contact_id,
    person_id,
    owner_id,
    creator_id,
    currency_id,
    amount,
    origin_deal_id,
    start_date as started_at,
    finish_date as finished_at,
    create_date as created_at,
    last_update_date as updated_at,
    _dlt_load_id
from {{ source('ploomes', 'deals') }}
where _deleted_at is null
