-- One row per line item; the quote's deal, owner and contact are copied onto each (Kondado's columns).
select
    id as quote_product_id,
    quote_id,
    product_id,
    quantity,
    unit_price,
    discount,
    total,
    bonus
from {{ source('ploomes', 'quote_products') }}
where _deleted_at is null
