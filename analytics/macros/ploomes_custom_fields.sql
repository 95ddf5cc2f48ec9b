{#- Ploomes custom fields are columns only known at run time: `custom_fields` says which field became which columns
    (`columns`: 'situacao_id, situacao_val'; a field whose type changed adds `<column>__v_<type>`), and a column exists
    once some record held a value. These macros read both when the model runs (nothing while dbt only parses). -#}

{#- The custom fields of `table_name` that have a column in the table: a list of dicts with the field's id, name,
    kind ('scalar', 'option', 'user', 'contact', 'product'), multiple, options_table_id, its columns and
    value_column (the first: the value, or the option / user / contact / product id). -#}
{% macro ploomes_custom_fields(table_name) -%}
    {#- source() before anything else: it is while dbt parses that the model learns it reads these tables -#}
    {%- set records = source('ploomes', table_name) -%}
    {%- set custom_fields = source('ploomes', 'custom_fields') -%}
    {%- set fields = [] -%}
    {%- if not execute -%}{{ return(fields) }}{%- endif -%}
    {%- set present = column_names(records) -%}
    {%- set query -%}
        select id, name, kind, multiple, options_table_id, columns
        from {{ custom_fields }}
        where table_name = '{{ table_name }}' and dynamic and columns is not null
        order by id
    {%- endset -%}
    {%- for row in run_query(query) -%}
        {%- set columns = [] -%}
        {%- for column in row['columns'].split(',') -%}
            {%- if column.strip() in present -%}{%- do columns.append(column.strip()) -%}{%- endif -%}
        {%- endfor -%}
        {%- if columns -%}
            {%- do fields.append({
                'id': row['id'], 'name': row['name'], 'kind': row['kind'], 'multiple': row['multiple'],
                'options_table_id': row['options_table_id'], 'columns': columns, 'value_column': columns[0],
            }) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(fields) }}
{%- endmacro %}

{#- Every custom-field column of `table_name` that exists, in field order. -#}
{% macro ploomes_custom_columns(table_name) -%}
    {%- set columns = [] -%}
    {%- for field in ploomes_custom_fields(table_name) -%}
        {%- do columns.extend(field['columns']) -%}
    {%- endfor -%}
    {{ return(columns) }}
{%- endmacro %}
