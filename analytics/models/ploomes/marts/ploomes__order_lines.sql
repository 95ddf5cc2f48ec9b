-- One row per order line item, with its order's number, date, stage and parties, and the product's name.
select
    lines.order_product_id,
    lines.order_id,
    parents.order_number,
    parents.ordered_at,
    {{ local_date('parents.ordered_at') }} as ordered_date_local,
    parents.stage_id,
    stages.lookup_name as stage_name,
    parents.deal_id,
    parents.contact_id,
    contacts.contact_name,
    parents.owner_id,
    owners.user_name as owner_name,
    parents.currency_id,
    parents.amount as order_amount,
    lines.product_id,
    products.product_name,
    products.product_code,
    lines.quantity,
    lines.unit_price,
    lines.discount,
    lines.total,
    lines.bonus
from {{ ref('stg_ploomes__order_products') }} as lines
inner join {{ ref('stg_ploomes__orders') }} as parents
    on parents.order_id = lines.order_id
left join {{ ref('stg_ploomes__lookups') }} as stages
    on stages.lookup_table = 'order_stages' and stages.lookup_id = parents.stage_id
left join {{ ref('stg_ploomes__contacts') }} as contacts
    on contacts.contact_id = parents.contact_id
left join {{ ref('stg_ploomes__users') }} as owners
    on owners.user_id = parents.owner_id
left join {{ ref('stg_ploomes__products') }} as products
    on products.product_id = lines.product_id
