{#- dlt stores every instant as a UTC timestamp with time zone. BI reports Brazilian business days and months, so a
    mart converts an instant to the wall-clock time of var('local_time_zone') (America/Sao_Paulo) before it takes a
    date or a month: a deal won at 23:30 in São Paulo on the 31st belongs to that month, not the next. -#}
{% macro local_timestamp(instant) -%}
    {{ return(adapter.dispatch('local_timestamp', 'crm_analytics')(instant)) }}
{%- endmacro %}

{% macro default__local_timestamp(instant) -%}
    ({{ instant }} at time zone '{{ var("local_time_zone") }}')
{%- endmacro %}

{#- DuckDB's bundled ICU extension does the conversion; it ships with the duckdb package (nothing is downloaded). -#}
{% macro duckdb__local_timestamp(instant) -%}
    timezone('{{ var("local_time_zone") }}', {{ instant }})
{%- endmacro %}

{% macro local_date(instant) -%}
    cast({{ local_timestamp(instant) }} as date)
{%- endmacro %}

{#- The first day of the local month of an instant, as a date. -#}
{% macro local_month(instant) -%}
    cast({{ dbt.date_trunc('month', local_timestamp(instant)) }} as date)
{%- endmacro %}
