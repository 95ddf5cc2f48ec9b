select
    id as product_id,
    name as product_name,
    code as product_code,
    group_id,
    family_id,
    unit_price,
    currency_id
from {{ source('ploomes', 'products') }}
