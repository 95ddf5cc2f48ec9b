-- Proposals with their client and items, values in reais.
with items as (
    select
        proposal_id,
        count(*) as items,
        sum(final_price) as items_final_value
    from {{ ref('stg_hivestr__proposal_items') }}
    group by proposal_id
)

select
    proposals.proposal_id,
    proposals.proposal_number,
    proposals.title,
    proposals.status,
    proposals.client_id,
    coalesce(clients.client_name, proposals.client_name) as client_name,
    proposals.total_value,
    proposals.discount_value,
    proposals.final_value,
    proposals.discount_percentage,
    coalesce(items.items, 0) as items,
    coalesce(items.items_final_value, 0) as items_final_value,
    proposals.campaign_start_date,
    proposals.campaign_end_date,
    proposals.valid_until,
    {{ local_date('proposals.created_at') }} as created_date_local,
    proposals.created_at,
    proposals.updated_at
from {{ ref('stg_hivestr__proposals') }} as proposals
left join {{ ref('stg_hivestr__clients') }} as clients
    on clients.client_id = proposals.client_id
left join items
    on items.proposal_id = proposals.proposal_id
