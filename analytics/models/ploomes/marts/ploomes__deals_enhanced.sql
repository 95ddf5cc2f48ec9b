{%- set open_status = var('ploomes_deal_status_open') -%}
{%- set won_status = var('ploomes_deal_status_won') -%}
{%- set lost_status = var('ploomes_deal_status_lost') -%}
with deals as (
    select * from {{ ref('stg_ploomes__deals') }}
),

lookups as (
    select * from {{ ref('stg_ploomes__lookups') }}
),

flagged as (
    select
        deals.*,
        coalesce(status_id = {{ open_status }}, false) as is_open,
        coalesce(status_id = {{ won_status }}, false) as is_won,
        coalesce(status_id = {{ lost_status }}, false) as is_lost
    from deals
)

select
    flagged.deal_id,
    flagged.title,
    flagged.deal_number,
    flagged.pipeline_id,
    pipelines.pipeline_name,
    flagged.stage_id,
    stages.stage_name,
    stages.stage_position,
    flagged.status_id,
    statuses.lookup_name as status_name,
    case
        when flagged.is_open then 'open'
        when flagged.is_won then 'won'
        when flagged.is_lost then 'lost'
        else 'other'
    end as deal_status,
    flagged.is_open,
    flagged.is_won,
    flagged.is_lost,
    flagged.loss_reason_id,
    loss_reasons.lookup_name as loss_reason_name,
    flagged.owner_id,
    owners.user_name as owner_name,
    flagged.contact_id,
    contacts.contact_name,
    flagged.person_id,
    people.contact_name as person_name,
    flagged.currency_id,
    currencies.lookup_name as currency_name,
    flagged.amount,
    flagged.created_at,
    {{ local_timestamp('flagged.created_at') }} as created_at_local,
    case when flagged.is_won then {{ local_timestamp('flagged.finished_at') }} end as won_at_local,
    case when flagged.is_lost then {{ local_timestamp('flagged.finished_at') }} end as lost_at_local,
    {{ dbt.datediff(
        local_date('flagged.created_at'),
        'case when flagged.is_open or flagged.finished_at is null then ' ~ local_date(dbt.current_timestamp())
            ~ ' else ' ~ local_date('flagged.finished_at') ~ ' end',
        'day'
    ) }} as days_open,
    flagged.updated_at
from flagged
left join {{ ref('stg_ploomes__deal_pipelines') }} as pipelines
    on pipelines.pipeline_id = flagged.pipeline_id
left join {{ ref('stg_ploomes__deal_stages') }} as stages
    on stages.stage_id = flagged.stage_id
left join lookups as statuses
    on statuses.lookup_table = 'deal_statuses' and statuses.lookup_id = flagged.status_id
left join lookups as loss_reasons
    on loss_reasons.lookup_table = 'deal_loss_reasons' and loss_reasons.lookup_id = flagged.loss_reason_id
left join lookups as currencies
    on currencies.lookup_table = 'currencies' and currencies.lookup_id = flagged.currency_id
left join {{ ref('stg_ploomes__users') }} as owners
    on owners.user_id = flagged.owner_id
left join {{ ref('stg_ploomes__contacts') }} as contacts
    on contacts.contact_id = flagged.contact_id
left join {{ ref('stg_ploomes__contacts') }} as people
    on people.contact_id = flagged.person_id
