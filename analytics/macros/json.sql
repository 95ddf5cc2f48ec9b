{#- The text of one key of a JSON object column (Hivestr's `user`: {"id": ..., "full_name": ...}). -#}
{% macro json_text(column, key) -%}
    {{ return(adapter.dispatch('json_text', 'crm_analytics')(column, key)) }}
{%- endmacro %}

{% macro default__json_text(column, key) -%}
    (cast({{ column }} as json) ->> '{{ key }}')
{%- endmacro %}

{% macro duckdb__json_text(column, key) -%}
    json_extract_string({{ column }}, '$.{{ key }}')
{%- endmacro %}
