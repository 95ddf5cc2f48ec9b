{#- The CRM's side read straight from its dataset (var ploomes_dataset, the one the ERP's clients were looked up
    from), not from its staging view: the Ploomes analytics need not have been built in this warehouse. -#}
with contacts as (
    select
        id as contact_id,
        name as contact_name,
        register,
        {{ digits_only('register') }} as register_digits
    from {{ source('ploomes', 'contacts') }}
    where _deleted_at is null
),

with_register as (
    select *
    from contacts
    where length(register_digits) in (11, 14)
)

select
    contacts.contact_id,
    contacts.contact_name,
    contacts.register,
    contacts.register_digits,
    case when length(contacts.register_digits) = 11 then 'CPF' else 'CNPJ' end as register_kind,
    clients.client_id is not null as is_matched,
    clients.client_id,
    clients.client_name,
    clients.is_active as is_client_active,
    clients.open_installations,
    clients.active_services,
    clients.monthly_amount
from with_register as contacts
left join {{ ref('erp__clients_enhanced') }} as clients
    on clients.register_digits = contacts.register_digits
