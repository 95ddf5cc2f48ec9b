-- Every version of every pipeline card the connector has seen (pipeline_deals_history), valid over
-- [valid_from, valid_to); estimated value in reais.
{%- set text, integer, timestamp = dbt.type_string(), dbt.type_bigint(), dbt.type_timestamp() %}
with versions as (
    select
        {{ columns_or_null(source('hivestr', 'pipeline_deals_history'), {
            'id': text, 'title': text, 'pipeline_stage': text, 'user_id': text, 'estimated_value': integer,
            'updated_at': timestamp, '_dlt_valid_from': timestamp, '_dlt_valid_to': timestamp,
        }) }}
    from {{ source('hivestr', 'pipeline_deals_history') }}
)

select
    id as deal_id,
    title,
    pipeline_stage,
    user_id as owner_id,
    estimated_value as estimated_value_centavos,
    {{ centavos_to_reais('estimated_value') }} as estimated_value,
    updated_at,
    _dlt_valid_from as valid_from,
    _dlt_valid_to as valid_to
from versions
