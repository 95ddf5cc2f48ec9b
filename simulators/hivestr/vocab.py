"""pt-BR raw material of a media owner's account: venues, stations, programmes, campaigns, CRM notes and tasks.

People, companies and places come from simulators.core.ptbr.
"""

from __future__ import annotations

# (venue, environment) of digital screens
DOOH_VENUES = (
    ("Shopping {city}", "Shopping Center"),
    ("Aeroporto de {city}", "Aeroporto"),
    ("Estação Central", "Metrô"),
    ("Rodoviária de {city}", "Rodoviária"),
    ("Academia Smart Fit", "Academia"),
    ("Edifício Corporate Tower", "Elevador corporativo"),
    ("Supermercado Pão de Açúcar", "Supermercado"),
    ("Campus Universitário", "Universidade"),
    ("Hospital Santa Luzia", "Hospital"),
    ("Avenida Principal", "Via pública"),
)
DOOH_KINDS = ("Painel Digital", "Totem Digital", "Tela LED", "Mídia Elevador", "Painel de LED")
DOOH_FORMATS = (
    ("LED 3x2m", "3x2"),
    ("LED 4x3m", "4x3"),
    ("Totem 55 pol.", "0,7x1,2"),
    ("Tela 42 pol.", "0,9x0,5"),
    ("LED 9x3m", "9x3"),
)
OOH_KINDS = (
    ("Outdoor", "Outdoor 9x3m", "9x3"),
    ("Front-light", "Front-light 9x3m", "9x3"),
    ("Back-light", "Back-light 6x3m", "6x3"),
    ("Empena", "Empena 15x30m", "15x30"),
    ("Abrigo de ônibus", "Abrigo 1,2x1,8m", "1,2x1,8"),
    ("Relógio de rua", "Relógio digital 2x1m", "2x1"),
    ("Painel rodoviário", "Rodoviário 12x4m", "12x4"),
)
OOH_ENVIRONMENTS = ("Via pública", "Rodovia", "Centro comercial", "Avenida de grande fluxo")
TV_STATIONS = ("TV Globo", "SBT", "Record TV", "Band", "RedeTV!", "TV Cultura")
RADIO_STATIONS = (
    "Rádio CBN",
    "Jovem Pan FM",
    "Band FM",
    "Rádio Globo",
    "Antena 1",
    "Mix FM",
    "Transamérica",
    "Nativa FM",
    "Rádio Itatiaia",
    "BandNews FM",
)
DAYPARTS = ("Manhã", "Tarde", "Noite", "Horário nobre", "Madrugada", "Fim de semana")
# (programme, start, end, run days, social class): TV
TV_PROGRAMS = (
    ("Bom Dia Cidade", "06:00:00", "08:30:00", (1, 2, 3, 4, 5), "A,B,C"),
    ("Jornal do Almoço", "12:00:00", "13:00:00", (1, 2, 3, 4, 5, 6), "A,B,C"),
    ("Sessão da Tarde", "14:30:00", "16:30:00", (1, 2, 3, 4, 5), "B,C,D"),
    ("Jornal da Noite", "19:00:00", "19:45:00", (1, 2, 3, 4, 5, 6), "A,B"),
    ("Novela das 21h", "21:00:00", "22:00:00", (1, 2, 3, 4, 5, 6), "A,B,C,D"),
    ("Futebol na TV", "16:00:00", "18:00:00", (0,), "A,B,C"),
    ("Esporte Total", "12:45:00", "13:30:00", (1, 2, 3, 4, 5), "B,C"),
    ("Programa de Auditório", "14:00:00", "17:00:00", (0,), "C,D"),
)
RADIO_PROGRAMS = (
    ("Jornal da Manhã", "07:00:00", "09:00:00", (1, 2, 3, 4, 5), "A,B"),
    ("Show da Manhã", "06:00:00", "07:00:00", (1, 2, 3, 4, 5), "B,C"),
    ("Hora do Rush", "17:00:00", "19:00:00", (1, 2, 3, 4, 5), "A,B,C"),
    ("Esporte em Debate", "12:00:00", "13:00:00", (1, 2, 3, 4, 5), "B,C"),
    ("Madrugada Musical", "00:00:00", "05:00:00", (0, 1, 2, 3, 4, 5, 6), "C,D"),
    ("Sábado Sertanejo", "10:00:00", "14:00:00", (6,), "C,D"),
    ("Flash Back", "20:00:00", "22:00:00", (3, 5), "A,B"),
)
CLIENT_SOURCES = (
    "Website",
    "Indicação",
    "Instagram",
    "Google Ads",
    "Evento",
    "API",
    "Prospecção ativa",
    "LinkedIn",
    "WhatsApp",
)
POSITIONS = (
    "Diretor de Marketing",
    "Gerente de Marketing",
    "Analista de Mídia",
    "Proprietário",
    "Sócio",
    "Coordenador Comercial",
    "Gerente de Trade Marketing",
    "Diretor Comercial",
)
CLIENT_REMARKS = (
    "Cliente VIP",
    "Indicado por parceiro",
    "Prefere contato por WhatsApp",
    "Atende só à tarde",
    "Verba aprovada no início de cada trimestre",
    "Exige checking fotográfico",
)
CAMPAIGNS = (
    "Campanha Verão",
    "Black Friday",
    "Dia das Mães",
    "Lançamento Coleção Inverno",
    "Volta às Aulas",
    "Natal Iluminado",
    "Aniversário da Loja",
    "Inauguração Filial",
    "Liquidação de Julho",
    "Dia dos Pais",
    "Festival Gastronômico",
    "Campanha Institucional",
    "Dia dos Namorados",
    "Semana do Consumidor",
)
CAMPAIGN_DESCRIPTIONS = (
    "Campanha de mídia exterior",
    "Mídia digital em pontos de alto fluxo",
    "Inserções em TV e rádio no horário nobre",
    "Cobertura regional multimeios",
    "Reforço de marca no ponto de venda",
)
PROPOSAL_NOTES = (
    "Cliente pediu faturamento em duas parcelas",
    "Aguardando arte final do cliente",
    "Desconto aprovado pela diretoria",
    "Veiculação condicionada à aprovação do PI",
)
COMMERCIAL_NOTES = (
    "Valores válidos para pagamento em 30 dias",
    "Checking fotográfico semanal incluso",
    "Bonificação sujeita à disponibilidade",
    "Produção da arte não inclusa",
)
# note content by note_type
NOTE_CONTENTS = {
    "note": (
        "Cliente demonstrou interesse em painéis de LED na zona sul",
        "Reunião presencial realizada",
        "Enviado mídia kit atualizado",
        "Cliente trocou de agência de publicidade",
        "Orçamento anual de mídia ainda não definido",
    ),
    "task": (
        "Enviar mapa de pontos disponíveis",
        "Preparar simulação de campanha",
        "Atualizar tabela de preços",
        "Enviar checking da última veiculação",
    ),
    "reminder": (
        "Renovação do contrato vence no fim do mês",
        "Lembrar de oferecer pacote de fim de ano",
        "Aniversário da empresa na próxima semana",
    ),
    "follow_up": (
        "Cliente pediu retorno na sexta",
        "Retornar após aprovação da diretoria",
        "Ligar para confirmar recebimento da proposta",
        "Cliente recusou proposta por budget",
    ),
}
DEAL_TITLES = (
    "Campanha verão",
    "Renovação anual",
    "Ação de lançamento",
    "Mídia para inauguração",
    "Pacote de fim de ano",
    "Cobertura de evento",
    "Campanha institucional",
    "Ação promocional",
)
DEAL_NOTES = (
    "Budget aprovado pelo marketing",
    "Lead vindo do RD Station",
    "Cliente comparando com concorrente",
    "Aguardando briefing da agência",
)
LOST_REASONS = (
    "Cliente escolheu concorrente",
    "Sem verba no momento",
    "Preço acima do esperado",
    "Campanha cancelada pelo cliente",
)
TASK_TITLES = (
    "Ligar para o cliente",
    "Enviar mídia kit",
    "Agendar visita ao ponto",
    "Enviar proposta revisada",
    "Confirmar pedido de inserção",
    "Cobrar aprovação da arte",
    "Enviar checking de veiculação",
    "Renegociar desconto",
    "Retornar ligação",
    "Apresentar novos pontos DOOH",
)
