select
    id as quote_id,
    quote_number,
    date as quoted_at,
    approval_status_id,
    deal_id,
    contact_id,
    person_id,
    owner_id,
    currency_id,
    amount,
    create_date as created_at,
    last_update_date as updated_at
from {{ source('ploomes', 'quotes') }}
where _deleted_at is null
