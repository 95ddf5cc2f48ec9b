-- The custom fields that became columns: `columns` lists them ('situacao_id, situacao_val'); the first is the one a
-- model reads (the value, or the option / user / contact / product id).
select
    id as field_id,
    key as field_key,
    name as field_name,
    table_name,
    kind,
    multiple as is_multiple,
    options_table_id,
    columns as field_columns,
    trim(split_part_first) as value_column
from (
    select *, {{ dbt.split_part('columns', "','", 1) }} as split_part_first
    from {{ source('ploomes', 'custom_fields') }}
    where dynamic and columns is not null
) as fields
