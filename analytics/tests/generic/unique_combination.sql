{#- No two rows share the same values of `columns` (nulls compared as equal): the grain of an aggregate mart. -#}
{% test unique_combination(model, columns) %}
select {{ columns | join(', ') }}
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}
