"""pt-BR raw material of an internet provider's ERP: plans and add-ons, resellers, staff, origins, statuses.

People, companies and places come from simulators.core.ptbr.
"""

from __future__ import annotations

# (name, description, monthly price in BRL): the catalogue's first entries; more products reuse them per segment.
PRODUCTS = (
    ("Fibra 100 Mega", "Internet fibra óptica 100 Mbps, download e upload simétricos", "79.90"),
    ("Fibra 300 Mega", "Internet fibra óptica 300 Mbps com Wi-Fi 5 incluso", "99.90"),
    ("Fibra 500 Mega", "Internet fibra óptica 500 Mbps com Wi-Fi 6 incluso", "129.90"),
    ("Fibra 1 Giga", "Internet fibra óptica 1 Gbps com roteador Wi-Fi 6 e ponto mesh", "199.90"),
    ("Rádio 20 Mega", "Internet via rádio 20 Mbps para área rural", "89.90"),
    ("IP Fixo", "Endereço IPv4 fixo", "30.00"),
    ("Telefone Fixo Ilimitado", "Linha VoIP com ligações ilimitadas para fixo e móvel", "39.90"),
    ("TV por Assinatura Essencial", "Mais de 80 canais, 2 telas simultâneas", "69.90"),
    ("Ponto Adicional Mesh", "Roteador mesh adicional em comodato", "19.90"),
    ("Suporte Premium", "Atendimento prioritário 24 horas e visita técnica em até 12 horas", "24.90"),
    ("Streaming Filmes e Séries", "Assinatura de streaming parceira", "29.90"),
    ("Antivírus Família", "Proteção para até 5 dispositivos", "9.90"),
)
SEGMENTS = (("Empresarial", "1.6"), ("Rural", "1.15"), ("Condomínio", "0.9"), ("Plus", "1.3"))
PRODUCT_NOTES = (None, None, "Fidelidade de 12 meses", "Taxa de instalação isenta", "Promoção válida até 31/12")
SERVICE_STATUSES = (("Ativo", 0.82), ("Suspenso", 0.1), ("Bloqueado", 0.05), ("Cancelado", 0.03))

RESELLER_NAMES = (
    "Conecta Revendas",
    "NetPonto Representações",
    "Loja Parceira Centro",
    "Vende Fibra Autônomos",
    "Rede Amiga Telecom",
    "Ponto Digital Comércio",
    "Plug Revenda",
    "Sinal Forte Vendas",
)
DEPARTMENTS = (
    "Comercial",
    "Suporte Técnico",
    "Financeiro",
    "Cobrança",
    "Instalação",
    "Atendimento",
    "NOC",
    "Retenção",
    "Ouvidoria",
    "Projetos",
)
ORIGINS = (
    "Google",
    "Outdoor",
    "Indicação de Amigo",
    "Anúncio de Rádio",
    "Instagram",
    "Facebook",
    "Site",
    "Panfleto",
    "Loja Física",
    "WhatsApp",
    "Carro de Som",
    "Evento",
)
PROSPECT_STATUSES = ("Inicial", "Em análise", "Reprovado", "Suspenso", "Aprovado", "Cancelado")
DUE_DAYS = (5, 10, 15, 20, 25, 30)

PROFESSIONS = (
    "Professor(a)",
    "Engenheiro(a)",
    "Comerciante",
    "Enfermeiro(a)",
    "Motorista",
    "Advogado(a)",
    "Autônomo(a)",
    "Analista de Sistemas",
    "Aposentado(a)",
    "Estudante",
    "Contador(a)",
    "Vendedor(a)",
)
MARITAL_STATUSES = ("Solteiro(a)", "Casado(a)", "Divorciado(a)", "Viúvo(a)", "União estável")
HOME_COMPLEMENTS = ("Casa 2", "Apto 101", "Apto 1204", "Bloco B Apto 33", "Fundos", "Sobrado")
CLIENT_NOTES = (
    "Prefere contato por WhatsApp",
    "Cliente desde a rede antiga via rádio",
    "Migrou de plano em promoção",
    "Solicitou fatura por e-mail",
    "Portão azul, interfone 12",
)
ALERTS = (
    "Fatura em atraso há mais de 30 dias",
    "Cliente com protocolo de cancelamento aberto",
    "Equipamento em comodato pendente de devolução",
    "Não agendar visitas aos sábados",
)
INSTALLATION_NOTES = ("Caixa de atendimento no poste em frente", "Acesso pela garagem", "Roteador no 2º andar")
