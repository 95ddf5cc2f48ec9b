-- Deals won per month (America/Sao_Paulo, from the moment each was won) and owner.
select
    cast({{ dbt.date_trunc('month', 'won_at_local') }} as date) as won_month,
    owner_id,
    owner_name,
    count(*) as won_deals,
    sum(amount) as won_amount
from {{ ref('ploomes__deals_enhanced') }}
where is_won
group by 1, 2, 3
