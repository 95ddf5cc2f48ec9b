{#- A FROM item with one row per element of a comma-joined list (Ploomes multi-select custom fields load as
    '6735,6729'), joined laterally to the relation before it:
    `from records cross join {{ split_to_rows('records.option_ids', 'options', 'option_id') }}`.
    unnest(string_to_array(...)) means the same in Postgres and DuckDB; another adapter can override it. -#}
{% macro split_to_rows(comma_joined, alias, column) -%}
    {{ return(adapter.dispatch('split_to_rows', 'crm_analytics')(comma_joined, alias, column)) }}
{%- endmacro %}

{% macro default__split_to_rows(comma_joined, alias, column) -%}
    unnest(string_to_array({{ comma_joined }}, ',')) as {{ alias }}({{ column }})
{%- endmacro %}
