{#- One row per record and option selected in each multi-select option field, for every record table: the bridge
    BI joins to filter or count by option ("contacts interested in ERP"). The option ids come from the loaded
    `<field>_id` ('6735,6729'), the label from field_options as it is now (null for an option deleted since).
    It reads the record tables themselves: which fields exist is only known at run time. -#}
{%- set record_tables = ['contacts', 'deals', 'leads', 'orders', 'quotes', 'products', 'tasks',
                         'interaction_records'] -%}
{%- set selects = [] -%}
{%- for table_name in record_tables -%}
    {%- for field in ploomes_custom_fields(table_name) if field.kind == 'option' and field.multiple -%}
        {%- do selects.append((table_name, field)) -%}
    {%- endfor -%}
{%- endfor %}

with selected as (
{%- for table_name, field in selects %}
    select
        cast('{{ table_name }}' as {{ dbt.type_string() }}) as table_name,
        records.id as record_id,
        cast({{ field.id }} as {{ dbt.type_bigint() }}) as field_id,
        cast('{{ field.name | replace("'", "''") }}' as {{ dbt.type_string() }}) as field_name,
        cast(trim(options.option_id) as {{ dbt.type_bigint() }}) as option_id
    from {{ source('ploomes', table_name) }} as records
    cross join {{ split_to_rows('records.' ~ adapter.quote(field.value_column), 'options', 'option_id') }}
    where records._deleted_at is null and trim(options.option_id) <> ''
    union all
{%- endfor %}
    -- the shape when no table has a multi-select field (yet)
    select
        cast(null as {{ dbt.type_string() }}),
        cast(null as {{ dbt.type_bigint() }}),
        cast(null as {{ dbt.type_bigint() }}),
        cast(null as {{ dbt.type_string() }}),
        cast(null as {{ dbt.type_bigint() }})
    where 1 = 0
)

select
    selected.table_name || ':' || cast(selected.record_id as {{ dbt.type_string() }}) || ':'
        || cast(selected.field_id as {{ dbt.type_string() }}) || ':'
        || cast(selected.option_id as {{ dbt.type_string() }}) as record_option_key,
    selected.table_name,
    selected.record_id,
    selected.field_id,
    selected.field_name,
    selected.option_id,
    options.option_name
from selected
left join {{ ref('stg_ploomes__field_options') }} as options
    on options.option_id = selected.option_id
