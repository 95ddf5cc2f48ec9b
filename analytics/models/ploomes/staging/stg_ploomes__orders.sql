select
    id as order_id,
    order_number,
    date as ordered_at,
    stage_id,
    deal_id,
    contact_id,
    person_id,
    owner_id,
    currency_id,
    amount,
    discount,
    create_date as created_at,
    last_update_date as updated_at
from {{ source('ploomes', 'orders') }}
where _deleted_at is null
