-- One row per quote line item, with its quote's number, date, approval status and parties, and the product's name.
select
    lines.quote_product_id,
    lines.quote_id,
    parents.quote_number,
    parents.quoted_at,
    {{ local_date('parents.quoted_at') }} as quoted_date_local,
    parents.approval_status_id,
    approval_statuses.lookup_name as approval_status_name,
    parents.deal_id,
    parents.contact_id,
    contacts.contact_name,
    parents.owner_id,
    owners.user_name as owner_name,
    parents.currency_id,
    parents.amount as quote_amount,
    lines.product_id,
    products.product_name,
    products.product_code,
    lines.quantity,
    lines.unit_price,
    lines.discount,
    lines.total,
    lines.bonus
from {{ ref('stg_ploomes__quote_products') }} as lines
inner join {{ ref('stg_ploomes__quotes') }} as parents
    on parents.quote_id = lines.quote_id
left join {{ ref('stg_ploomes__lookups') }} as approval_statuses
    on approval_statuses.lookup_table = 'quote_approval_statuses' and approval_statuses.lookup_id = parents.approval_status_id
left join {{ ref('stg_ploomes__contacts') }} as contacts
    on contacts.contact_id = parents.contact_id
left join {{ ref('stg_ploomes__users') }} as owners
    on owners.user_id = parents.owner_id
left join {{ ref('stg_ploomes__products') }} as products
    on products.product_id = lines.product_id
