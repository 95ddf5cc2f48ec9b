{#- Hivestr sends money as integer centavos (50000 is R$ 500,00). Exact decimal reais: the division happens on a
    numeric, never a float, so sums in BI add up to the centavo. -#}
{% macro centavos_to_reais(centavos) -%}
    cast(cast({{ centavos }} as {{ dbt.type_numeric() }}) / 100 as numeric(20, 2))
{%- endmacro %}
