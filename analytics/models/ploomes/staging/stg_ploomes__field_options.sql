select
    id as option_id,
    table_id as options_table_id,
    name as option_name
from {{ source('ploomes', 'field_options') }}
