{#- dlt creates a column once some row has held a value in it: a column the API sends only sometimes (Hivestr's
    `lost_reason`, a Ploomes custom field) may not exist yet. Selects each of `columns` (name -> type) from the
    relation, or a typed null under the same name when the table does not have it, so a model compiles on every
    account (Fivetran's fill_staging_columns does the same). -#}
{% macro columns_or_null(relation, columns) -%}
    {%- set present = [] -%}
    {%- if execute -%}
        {%- for column in adapter.get_columns_in_relation(relation) -%}
            {%- do present.append(column.name | lower) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- for name, data_type in columns.items() %}
    {% if name in present -%}
        {{ adapter.quote(name) }}
    {%- else -%}
        cast(null as {{ data_type }})
    {%- endif %} as {{ adapter.quote(name) }}{{ "," if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{#- The lower-cased names of a relation's columns (empty while dbt only parses). -#}
{% macro column_names(relation) -%}
    {%- set names = [] -%}
    {%- if execute -%}
        {%- for column in adapter.get_columns_in_relation(relation) -%}
            {%- do names.append(column.name | lower) -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(names) }}
{%- endmacro %}
