{#- One row per table of a source: its rows (and those of records deleted in the CRM, where the table marks them),
    the last load that changed it, and the dataset's last successful load (from dlt's `_dlt_loads`, status 0) with
    its age. An incremental table a load found nothing new for keeps an older `last_changed_at`: freshness is the
    dataset's last successful load, which read every table. A table not loaded yet shows 0 rows. Built as a view: the
    age is as of the query.
    With it, the last run that read the table, from `sync_runs` (pipelines/sync_runs.py): its status (ok, failed,
    skipped, ...), requests and one-line message, and that run's retries (counted for the whole run). `sync_runs` is
    read by its relation, not `source()`, like the tables: a dataset that lacks it (loaded before it existed) still
    gets its sync health, with empty last-run columns. -#}
{% macro sync_health(source_name) -%}
{%- set tables = [] -%}
{%- set runs = [] -%}
{%- if execute -%}
    {%- for node in graph.sources.values() | selectattr('source_name', 'equalto', source_name) | sort(attribute='name') -%}
        {%- set relation = adapter.get_relation(node.database, node.schema, node.identifier) -%}
        {%- if node.name == 'sync_runs' -%}
            {%- do runs.append(relation) -%}
        {%- elif not node.name.startswith('_dlt_') -%}
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
),

runs as (
    {%- if runs and runs[0] is not none %}
    select run_id, table_name, started_at, requests, retries, status, message
    from {{ runs[0] }}
    {%- else %}
    select
        cast(null as {{ dbt.type_string() }}) as run_id,
        cast(null as {{ dbt.type_string() }}) as table_name,
        cast(null as {{ dbt.type_timestamp() }}) as started_at,
        cast(null as {{ dbt.type_bigint() }}) as requests,
        cast(null as {{ dbt.type_bigint() }}) as retries,
        cast(null as {{ dbt.type_string() }}) as status,
        cast(null as {{ dbt.type_string() }}) as message
    where 1 = 0
    {%- endif %}
),

last_runs as (
    select
        runs.*,
        row_number() over (partition by table_name order by started_at desc, run_id desc) as recency
    from runs
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
    end as freshness,
    last_run.started_at as last_run_at,
    last_run.status as last_run_status,
    last_run.requests as last_run_requests,
    whole_run.retries as last_run_retries,
    last_run.message as last_run_message
from tables
cross join last_load
left join loads as changed
    on changed.load_id = tables.last_changed_load_id
left join last_runs as last_run
    on last_run.table_name = tables.table_name and last_run.recency = 1
left join runs as whole_run
    on whole_run.run_id = last_run.run_id and whole_run.table_name = '(run)'
{%- endmacro %}
