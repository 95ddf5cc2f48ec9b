-- Proposal items with their proposal and vehicle, values in reais.
select
    items.proposal_item_id,
    items.proposal_id,
    proposals.proposal_number,
    proposals.status as proposal_status,
    proposals.client_id,
    items.vehicle_id,
    vehicles.vehicle_name,
    vehicles.media_type,
    vehicles.city as vehicle_city,
    items.schedule_id,
    items.quantity,
    items.screen_quantity,
    items.unit_price,
    items.discount_percentage,
    items.final_price,
    items.is_bonus
from {{ ref('stg_hivestr__proposal_items') }} as items
inner join {{ ref('stg_hivestr__proposals') }} as proposals
    on proposals.proposal_id = items.proposal_id
left join {{ ref('stg_hivestr__inventory') }} as vehicles
    on vehicles.vehicle_id = items.vehicle_id
