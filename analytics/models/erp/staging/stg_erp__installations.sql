select
    id_instalacao as installation_id,
    id_cliente as client_id,
    endereco as street_address,
    numero as street_address_number,
    bairro as neighborhood,
    cidade as city,
    uf as state,
    cep as zip_code,
    latitude,
    longitude
from {{ source('erp', 'installations') }}
