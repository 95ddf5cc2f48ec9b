-- One row per line item; the order's deal, owner and contact are copied onto each (Kondado's columns).
select
    id as order_product_id,
    order_id,
    product_id,
    quantity,
    unit_price,
    discount,
    total,
    bonus
from {{ source('ploomes', 'order_products') }}
where _deleted_at is null
