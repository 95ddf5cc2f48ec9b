-- Deleted records stay, flagged: the incremental activity mart must see a deletion to recount its day.
select
    id as task_id,
    title,
    type_id,
    owner_id,
    contact_id,
    deal_id,
    date_time as due_at,
    finished as is_finished,
    create_date as created_at,
    last_update_date as updated_at,
    _deleted_at is not null as is_deleted,
    _dlt_load_id
from {{ source('ploomes', 'tasks') }}
