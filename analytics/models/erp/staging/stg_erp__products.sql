select
    id_servico as product_id,
    nome as product_name,
    descricao as description,
    valor as price
from {{ source('erp', 'products') }}
