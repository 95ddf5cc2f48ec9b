with services as (
    select
        installation_id,
        sum(case when is_active then 1 else 0 end) as active_services,
        sum(case when is_active then monthly_amount else 0 end) as monthly_amount
    from {{ ref('stg_erp__installation_services') }}
    group by installation_id
),

installations as (
    select
        installations.client_id,
        count(*) as open_installations,
        sum(coalesce(services.active_services, 0)) as active_services,
        sum(coalesce(services.monthly_amount, 0)) as monthly_amount
    from {{ ref('stg_erp__installations') }} as installations
    left join services
        on services.installation_id = installations.installation_id
    group by installations.client_id
)

select
    clients.client_id,
    clients.client_name,
    clients.trade_name,
    clients.person_type,
    clients.register,
    clients.register_digits,
    clients.is_active,
    clients.city,
    clients.state,
    clients.registered_on,
    coalesce(installations.open_installations, 0) as open_installations,
    coalesce(installations.active_services, 0) as active_services,
    cast(coalesce(installations.monthly_amount, 0) as numeric(20, 2)) as monthly_amount
from {{ ref('stg_erp__clients') }} as clients
left join installations
    on installations.client_id = clients.client_id
