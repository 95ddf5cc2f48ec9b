{#- A client's CPF/CNPJ as the ERP sent it, and as digits only: the key that joins it to a CRM contact's register,
    however either side formats it. -#}
select
    id_cliente as client_id,
    nome as client_name,
    fantasia as trade_name,
    tipo_pessoa as person_type,
    cnpj_cpf as register,
    {{ digits_only('cnpj_cpf') }} as register_digits,
    ativo as is_active,
    cidade as city,
    uf as state,
    email,
    data_cadastro as registered_on
from {{ source('erp', 'clients') }}
