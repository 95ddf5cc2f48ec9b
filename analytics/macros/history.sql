{#- Record-history marts read a staging view of versions: one row per version of a deal with `deal_id`, the stage
    columns, and `valid_from` / `valid_to` (dlt's scd2 interval [from, to), to null while current). -#}

{#- One row per deal and stretch of consecutive versions in the same stage (`stage_columns`): versions that changed
    another column merge into one interval (gaps and islands). An interval also ends where versions are not
    contiguous (a deal deleted, then back), so a deal's intervals never span the time it was gone. Returns deal_id,
    the stage columns, interval_number (1, 2, ... per deal), entered_at, left_at (null while current). -#}
{% macro stage_intervals(versions, stage_columns) -%}
    with marked as (
        select
            deal_id,
            {{ stage_columns | join(', ') }},
            valid_from,
            valid_to,
            case
                when lag(valid_to) over by_deal = valid_from
                {%- for column in stage_columns %}
                    and lag({{ column }}) over by_deal is not distinct from {{ column }}
                {%- endfor %}
                then 0
                else 1
            end as opens_interval
        from {{ versions }}
        window by_deal as (partition by deal_id order by valid_from)
    ),

    numbered as (
        select
            marked.*,
            sum(opens_interval) over (
                partition by deal_id order by valid_from rows between unbounded preceding and current row
            ) as interval_number
        from marked
    )

    select
        deal_id,
        {{ stage_columns | join(', ') }},
        interval_number,
        min(valid_from) as entered_at,
        -- null while its last version is current
        case when count(*) = count(valid_to) then max(valid_to) end as left_at
    from numbered
    group by deal_id, interval_number, {{ stage_columns | join(', ') }}
{%- endmacro %}

{#- The seconds from one instant to another, fractions included. -#}
{% macro seconds_between(earlier, later) -%}
    {{ return(adapter.dispatch('seconds_between', 'crm_analytics')(earlier, later)) }}
{%- endmacro %}

{#- Postgres and DuckDB both take the epoch of an interval. -#}
{% macro default__seconds_between(earlier, later) -%}
    extract(epoch from ({{ later }} - {{ earlier }}))
{%- endmacro %}

{#- A FROM item with one row per date from `first_date` to `last_date` (SQL expressions), both included, in a
    column `day`: `from {{ date_series('a', 'b', 'days') }}`. -#}
{% macro date_series(first_date, last_date, alias) -%}
    {{ return(adapter.dispatch('date_series', 'crm_analytics')(first_date, last_date, alias)) }}
{%- endmacro %}

{#- generate_series over timestamps reads the same in Postgres and DuckDB. -#}
{% macro default__date_series(first_date, last_date, alias) -%}
    generate_series(
        cast({{ first_date }} as {{ dbt.type_timestamp() }}),
        cast({{ last_date }} as {{ dbt.type_timestamp() }}),
        interval '1 day'
    ) as {{ alias }}(day)
{%- endmacro %}
