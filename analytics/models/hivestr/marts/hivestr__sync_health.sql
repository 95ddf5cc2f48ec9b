{{ config(materialized="view") }}
{{ sync_health('hivestr') }}
