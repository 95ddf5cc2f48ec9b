select
    id as user_id,
    name as user_name,
    email,
    suspended as is_suspended,
    _deleted_at is not null as is_deleted
from {{ source('ploomes', 'users') }}
