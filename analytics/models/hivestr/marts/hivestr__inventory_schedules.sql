-- Every vehicle with each of its media schedules (TV and radio programmes); a vehicle without schedules (billboards,
-- screens) appears once, with null schedule columns.
select
    vehicles.vehicle_id,
    vehicles.vehicle_name,
    vehicles.media_type,
    vehicles.format,
    vehicles.city,
    vehicles.state,
    vehicles.is_active,
    vehicles.is_occupied,
    vehicles.unit_price,
    vehicles.audience as vehicle_audience,
    schedules.schedule_id,
    schedules.program_name,
    schedules.start_time,
    schedules.end_time,
    schedules.run_days,
    schedules.social_class,
    schedules.price_per_slot,
    schedules.available_slots,
    schedules.audience as schedule_audience,
    schedules.is_active as is_schedule_active
from {{ ref('stg_hivestr__inventory') }} as vehicles
left join {{ ref('stg_hivestr__inventory_media_schedules') }} as schedules
    on schedules.vehicle_id = vehicles.vehicle_id
