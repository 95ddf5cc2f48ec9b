{#- Each system's models write to exactly `<its dataset>_analytics` (ploomes_analytics, ploomes_demo_analytics),
    beside the dataset they read, instead of dbt's default `<target schema>_<custom schema>`. Other custom schemas
    (dbt's own, for stored test failures) keep dbt's default. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name in ('ploomes', 'hivestr', 'erp') -%}
        {{ var(custom_schema_name ~ '_dataset') }}_analytics
    {%- else -%}
        {{ default__generate_schema_name(custom_schema_name, node) }}
    {%- endif -%}
{%- endmacro %}
