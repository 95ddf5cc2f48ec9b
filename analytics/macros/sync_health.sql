{#- One row per table of a source: its rows (and those of records deleted in the CRM, where the table marks them),
    the last load that changed it, and the dataset's last successful load (from dlt's `_dlt_loads`, status 0) with
    its age. An incremental table a load found nothing new for keeps an older `last_changed_at`: freshness is the
    dataset's last successful load, which read every table (a table that failed in that run says so in the run's
    summary, not here). A table not loaded yet shows 0 rows. Built as a view: the age is as of the query. -#}
{% macro sync_health(source_name) -%}
{%- set tables = [] -%}
{%- if execute -%}
    {%- for node in graph.sources.values() | selectattr('source_name', 'equalto', source_name) | sort(attribute='name') -%}
        {%- if not node.name.startswith('_dlt_') -%}
            {%- set relation = adapter.get_relation(node.database, node.schema, node.identifier) -%}
            {%- do tables.append((node.name, relation)) -%}
        {%- endif -%}
    {%- endfor -%}
{%- endif -%}
with loads as (
    select load_id, inserted_at
    from {{ source(source_name, '_dlt_loads') }}
    where status = 0
),

last_load as (
    select max(inserted_at) as last_successful_load_at
    from loads
),

tables as (
    select
        cast(null as {{ dbt.type_string() }}) as table_name,
        cast(null as {{ dbt.type_bigint() }}) as row_count,
        cast(null as {{ dbt.type_bigint() }}) as deleted_rows,
        cast(null as {{ dbt.type_string() }}) as last_changed_load_id
    where 1 = 0
    {%- for name, relation in tables %}
    union all
    select
        '{{ name }}',
        {%- if relation is none %}
        0, 0, cast(null as {{ dbt.type_string() }})
        {%- else %}
        count(*),
        {%- if '_deleted_at' in column_names(relation) %}
        sum(case when _deleted_at is not null then 1 else 0 end),
        {%- else %}
        0,
        {%- endif %}
        max(_dlt_load_id)
    from {{ relation }}
        {%- endif %}
    {%- endfor %}
)

select
    tables.table_name,
    tables.row_count - coalesce(tables.deleted_rows, 0) as live_rows,
    coalesce(tables.deleted_rows, 0) as deleted_rows,
    changed.inserted_at as last_changed_at,
    last_load.last_successful_load_at,
    {{ dbt.datediff('last_load.last_successful_load_at', dbt.current_timestamp(), 'hour') }}
        as hours_since_last_successful_load,
    case
        when last_load.last_successful_load_at is null then 'never loaded'
        when {{ dbt.datediff('last_load.last_successful_load_at', dbt.current_timestamp(), 'hour') }}
            >= {{ var('stale_after_hours') }} then 'stale'
        else 'fresh'
    end as freshness
from tables
cross join last_load
left join loads as changed
    on changed.load_id = tables.last_changed_load_id
{%- endmacro %}
