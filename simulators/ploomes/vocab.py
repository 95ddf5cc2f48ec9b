"""pt-BR raw material for Ploomes records: products, deal, task and interaction titles, sentences.

People, companies and places come from simulators.core.ptbr."""

from __future__ import annotations

PRODUCT_LINES = (
    # (family, group, products (name, unit, base price in BRL))
    (
        "Software",
        "Licenças",
        (
            ("Licença CRM Profissional", "licença", 189.9),
            ("Licença CRM Enterprise", "licença", 349.0),
            ("Licença ERP Módulo Fiscal", "licença", 420.0),
            ("Licença BI Analytics", "licença", 259.5),
        ),
    ),
    (
        "Software",
        "Assinaturas",
        (
            ("Assinatura Plano Básico", "mês", 99.0),
            ("Assinatura Plano Avançado", "mês", 299.0),
            ("Armazenamento Adicional 100 GB", "mês", 49.9),
        ),
    ),
    (
        "Serviços",
        "Implantação",
        (
            ("Implantação Padrão", "projeto", 4500.0),
            ("Migração de Dados", "hora", 180.0),
            ("Integração via API", "hora", 220.0),
        ),
    ),
    (
        "Serviços",
        "Treinamento",
        (
            ("Treinamento Presencial", "dia", 2800.0),
            ("Treinamento Online", "hora", 350.0),
            ("Workshop de Processos Comerciais", "dia", 3900.0),
        ),
    ),
    ("Serviços", "Suporte", (("Suporte Premium 24x7", "mês", 1200.0), ("Consultoria Técnica", "hora", 260.0))),
    (
        "Hardware",
        "Equipamentos",
        (
            ('Notebook Corporativo 14"', "unidade", 5899.0),
            ('Monitor 27" 4K', "unidade", 2199.9),
            ("Impressora Térmica de Etiquetas", "unidade", 1349.0),
            ("Leitor de Código de Barras", "unidade", 389.9),
            ("Tablet para Força de Vendas", "unidade", 1899.0),
        ),
    ),
    (
        "Hardware",
        "Acessórios",
        (
            ("Headset com Cancelamento de Ruído", "unidade", 459.0),
            ("Teclado e Mouse sem Fio", "kit", 229.9),
            ("Cabo HDMI 2 m", "unidade", 39.9),
        ),
    ),
    (
        "Insumos",
        "Papelaria",
        (
            ("Resma de Papel A4", "caixa", 219.0),
            ("Etiqueta Adesiva 100x50", "rolo", 32.5),
            ("Bobina Térmica 80 mm", "caixa", 145.0),
        ),
    ),
)
PRODUCT_VARIANTS = ("", " - Lote Promocional", " - Edição 2024", " - Kit 3 un.", " - Revenda", " - Renovação")

DEAL_TITLES = (
    "Renovação de contrato anual",
    "Expansão de licenças",
    "Implantação do CRM",
    "Projeto de integração ERP",
    "Upgrade para plano Enterprise",
    "Treinamento da equipe comercial",
    "Compra de equipamentos",
    "Proposta de consultoria",
    "Piloto de BI",
    "Contrato de suporte premium",
    "Migração de sistema legado",
    "Reposição de insumos",
    "Nova filial",
    "Pacote de serviços gerenciados",
)
TASK_TITLES = (
    "Ligar para o cliente",
    "Enviar proposta revisada",
    "Agendar reunião de apresentação",
    "Follow-up por e-mail",
    "Visita técnica",
    "Confirmar recebimento da nota fiscal",
    "Cobrar retorno da diretoria",
    "Preparar demonstração",
    "Atualizar cadastro do cliente",
    "Negociar condições de pagamento",
    "Enviar contrato para assinatura",
)
INTERACTION_TITLES = (
    "Reunião de alinhamento",
    "Ligação de qualificação",
    "Apresentação da solução",
    "E-mail de proposta",
    "Visita ao cliente",
    "Negociação de valores",
    "Pós-venda",
    "Reclamação registrada",
    "Demonstração online",
)
SENTENCES = (
    "Cliente demonstrou interesse em ampliar o contrato no próximo trimestre.",
    "Aguardando aprovação do orçamento pela diretoria financeira.",
    "Solicitou desconto de 10% para pagamento à vista.",
    "Equipe técnica validou os requisitos de integração.",
    "Prefere contato pelo WhatsApp no período da tarde.",
    "Concorrente ofereceu condição mais agressiva; reforçar diferenciais.",
    "Reunião remarcada a pedido do cliente.",
    "Pagamento via boleto com vencimento em 30 dias.",
    "Nota fiscal emitida e enviada por e-mail.",
    "Contrato assinado digitalmente; iniciar onboarding.",
)
