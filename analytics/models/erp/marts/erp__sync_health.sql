{{ config(materialized="view") }}
{{ sync_health('erp') }}
