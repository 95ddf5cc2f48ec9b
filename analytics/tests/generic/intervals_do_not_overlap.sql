{#- Within each `partition_by` group, every interval [`from_column`, `to_column`) ends after it begins, and the next
    one (by `from_column`) begins no earlier than it ends; only the last may be open (`to_column` null). Gaps are
    allowed. -#}
{% test intervals_do_not_overlap(model, partition_by, from_column, to_column) %}
with ordered as (
    select
        {{ from_column }} as starts_at,
        {{ to_column }} as ends_at,
        lead({{ from_column }}) over (partition by {{ partition_by }} order by {{ from_column }}) as next_starts_at,
        row_number() over (partition by {{ partition_by }} order by {{ from_column }} desc) as from_last
    from {{ model }}
)

select *
from ordered
where ends_at <= starts_at
    or next_starts_at < ends_at
    or (ends_at is null and from_last > 1)
{% endtest %}
