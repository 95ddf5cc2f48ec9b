{#- A CPF or CNPJ as its digits only (`123.456.789-09` -> `12345678909`): CRMs and ERPs format them differently,
    and the digits are what both sides share. -#}
{% macro digits_only(column) -%}
    regexp_replace({{ column }}, '[^0-9]', '', 'g')
{%- endmacro %}
