-- Deleted records stay, flagged: the incremental activity mart must see a deletion to recount its day.
select
    id as interaction_record_id,
    type_id,
    owner_id,
    contact_id,
    deal_id,
    date as interaction_at,
    title,
    create_date as created_at,
    last_update_date as updated_at,
    _deleted_at is not null as is_deleted,
    _dlt_load_id
from {{ source('ploomes', 'interaction_records') }}
