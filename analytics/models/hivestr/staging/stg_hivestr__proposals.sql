{%- set text, integer, timestamp = dbt.type_string(), dbt.type_bigint(), dbt.type_timestamp() -%}
with proposals as (
    select
        {{ columns_or_null(source('hivestr', 'proposals'), {
            'id': text, 'proposal_number': text, 'title': text, 'status': text, 'client_id': text,
            'client_name': text, 'total_value': integer, 'discount_value': integer, 'final_value': integer,
            'discount_percentage': 'float', 'bonus_days': integer, 'campaign_start_date': 'date',
            'campaign_end_date': 'date', 'valid_until': timestamp, 'created_via': text, 'created_at': timestamp,
            'updated_at': timestamp,
        }) }}
    from {{ source('hivestr', 'proposals') }}
    where _deleted_at is null
)

select
    id as proposal_id,
    proposal_number,
    title,
    status,
    client_id,
    client_name,
    total_value as total_value_centavos,
    {{ centavos_to_reais('total_value') }} as total_value,
    {{ centavos_to_reais('discount_value') }} as discount_value,
    final_value as final_value_centavos,
    {{ centavos_to_reais('final_value') }} as final_value,
    discount_percentage,
    bonus_days,
    campaign_start_date,
    campaign_end_date,
    valid_until,
    created_via,
    created_at,
    updated_at
from proposals
