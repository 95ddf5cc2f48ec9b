select
    id as installation_service_id,
    id_instalacao as installation_id,
    id_cliente as client_id,
    id_servico as product_id,
    nome as service_name,
    valor as monthly_amount,
    status,
    lower(status) = lower('{{ var("erp_active_service_status") }}') as is_active
from {{ source('erp', 'installation_services') }}
