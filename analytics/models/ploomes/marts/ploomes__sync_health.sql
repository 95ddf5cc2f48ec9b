{{ config(materialized="view") }}
{{ sync_health('ploomes') }}
