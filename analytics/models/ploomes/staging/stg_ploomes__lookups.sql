{#- The id -> name lookups in one relation, so a mart names an id with one join:
    `left join lookups as origins on origins.lookup_table = 'contact_origins' and origins.lookup_id = x.origin_id`. -#}
{%- set named_lookups = [
    'contact_types', 'contact_statuses', 'contact_relationships', 'contact_lines_of_business', 'contact_origins',
    'contact_classes', 'contact_numbers_of_employees', 'deal_statuses', 'deal_loss_reasons', 'order_stages',
    'quote_approval_statuses', 'product_groups', 'product_families', 'task_types', 'roles', 'departments',
    'currencies', 'cities', 'states', 'countries',
] -%}
{%- for table in named_lookups %}
select
    '{{ table }}' || ':' || cast(id as {{ dbt.type_string() }}) as lookup_key,
    cast('{{ table }}' as {{ dbt.type_string() }}) as lookup_table,
    id as lookup_id,
    name as lookup_name
from {{ source('ploomes', table) }}
{% if not loop.last %}union all{% endif %}
{%- endfor %}
