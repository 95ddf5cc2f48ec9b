{#- Contacts' own columns, then every custom field that became a column, as loaded (`<name>` for a value,
    `<name>_id` and `<name>_val` for an option, user, contact or product). -#}
select
    id as contact_id,
    name as contact_name,
    legal_name,
    register,
    type_id,
    class_id,
    status_id,
    company_id,
    relationship_id,
    line_of_business_id,
    origin_id,
    number_of_employees_id,
    owner_id,
    role_id,
    department_id,
    city_id,
    currency_id,
    email,
    website,
    note,
    zip_code,
    street_address,
    street_address_number,
    neighborhood,
    create_date as created_at,
    last_update_date as updated_at
    {%- for column in ploomes_custom_columns('contacts') %},
    {{ adapter.quote(column) }}
    {%- endfor %}
from {{ source('ploomes', 'contacts') }}
where _deleted_at is null
