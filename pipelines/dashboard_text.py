"""The dashboard's words and number formats, in Portuguese (the default: the CRMs' users are Brazilian) or English."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

SAO_PAULO = ZoneInfo("America/Sao_Paulo")
LANGUAGES = ("pt", "en")

LABELS = {
    "pt": {
        "title": "Painel comercial",
        "generated": "Gerado em {when} (horário de Brasília)",
        "ploomes": "Vendas (Ploomes)",
        "hivestr": "Mídia (Hivestr)",
        "health": "Saúde da sincronização",
        "no_data": "sem dados",
        "not_loaded": "sem dados: {relation} não existe (o conjunto não foi carregado com analytics)",
        "not_built": "ainda não construída: {relation} não existe",
        "no_rows": "nenhum registro",
        "open_value": "Pipeline aberto",
        "open_deals": "{count} negócios abertos",
        "won_this_month": "Ganho em {month}",
        "won_deals": "{count} negócios ganhos",
        "win_rate": "Taxa de ganho",
        "win_rate_of": "{won} ganhos de {closed} fechados",
        "funnel": "Pipeline aberto por etapa: {pipeline}",
        "deals": "negócios",
        "won_by_month": "Receita ganha por mês e responsável ({first} a {last})",
        "owner_win_rate": "Taxa de ganho por responsável (ganhos / fechados)",
        "owner_days_to_win": "Dias médios até ganhar, por responsável",
        "days": "dias",
        "activity": "Atividades por responsável e semana ({first} a {last}): tarefas concluídas + registros",
        "activities": "atividades",
        "stage_history": "Tempo médio em cada etapa (histórico de etapas dos negócios)",
        "current_in_stage": "agora na etapa",
        "no_owner": "(sem responsável)",
        "approved_value": "Propostas aprovadas",
        "approved_count": "{count} propostas",
        "occupancy": "Ocupação do inventário",
        "occupancy_of": "{occupied} de {total} veículos",
        "overdue": "Tarefas atrasadas",
        "overdue_sellers": "de {count} vendedores",
        "by_status": "Propostas por status (valor final)",
        "proposals": "propostas",
        "approved_by_media": "Valor aprovado por tipo de mídia e mês de criação da proposta",
        "inventory": "Inventário e ocupação por tipo de mídia (veículos)",
        "occupied": "ocupados",
        "free": "livres",
        "overdue_by_seller": "Tarefas atrasadas por vendedor",
        "tasks": "tarefas",
        "stale_tables": "Tabelas desatualizadas",
        "stale_of": "de {count} tabelas",
        "failing_tables": "Tabelas com falha na última execução",
        "last_run": "Última execução",
        "requests": "Requisições",
        "retries": "Novas tentativas (execução)",
        "message": "Motivo",
        "table": "Tabela",
        "rows": "Linhas",
        "last_changed": "Última alteração",
        "last_load": "Última carga bem-sucedida",
        "age": "Horas desde a carga",
        "freshness": "Situação",
        "fresh": "em dia",
        "stale": "desatualizada",
        "never loaded": "nunca carregada",
        "table_not_loaded": "não carregada",
        "run_statuses": {
            "ok": "ok",
            "failed": "falhou",
            "skipped": "sem acesso",
            "stopped": "interrompida",
            "resumable": "continua na próxima",
            "out_of_budget": "cota de requisições esgotada",
        },
        "statuses": {
            "approved": "aprovada",
            "pre_approved": "pré-aprovada",
            "viewed": "visualizada",
            "sent": "enviada",
            "draft": "rascunho",
            "rejected": "rejeitada",
        },
    },
    "en": {
        "title": "Sales dashboard",
        "generated": "Generated {when} (São Paulo time)",
        "ploomes": "Sales (Ploomes)",
        "hivestr": "Media (Hivestr)",
        "health": "Sync health",
        "no_data": "not loaded",
        "not_loaded": "not loaded: {relation} does not exist (the dataset was not loaded with analytics)",
        "not_built": "not built yet: {relation} does not exist",
        "no_rows": "no records",
        "open_value": "Open pipeline",
        "open_deals": "{count} open deals",
        "won_this_month": "Won in {month}",
        "won_deals": "{count} deals won",
        "win_rate": "Win rate",
        "win_rate_of": "{won} won of {closed} closed",
        "funnel": "Open pipeline by stage: {pipeline}",
        "deals": "deals",
        "won_by_month": "Won revenue by month and owner ({first} to {last})",
        "owner_win_rate": "Win rate by owner (won / closed)",
        "owner_days_to_win": "Average days to win, by owner",
        "days": "days",
        "activity": "Activity by owner and week ({first} to {last}): tasks completed + interaction records",
        "activities": "activities",
        "stage_history": "Average time in each stage (deals' stage history)",
        "current_in_stage": "in the stage now",
        "no_owner": "(no owner)",
        "approved_value": "Approved proposals",
        "approved_count": "{count} proposals",
        "occupancy": "Inventory occupancy",
        "occupancy_of": "{occupied} of {total} vehicles",
        "overdue": "Overdue tasks",
        "overdue_sellers": "of {count} sellers",
        "by_status": "Proposals by status (final value)",
        "proposals": "proposals",
        "approved_by_media": "Approved value by media type and month the proposal was created",
        "inventory": "Inventory and occupancy by media type (vehicles)",
        "occupied": "occupied",
        "free": "free",
        "overdue_by_seller": "Overdue tasks by seller",
        "tasks": "tasks",
        "stale_tables": "Stale tables",
        "stale_of": "of {count} tables",
        "failing_tables": "Tables that failed in their last run",
        "last_run": "Last run",
        "requests": "Requests",
        "retries": "Retries (run)",
        "message": "Reason",
        "table": "Table",
        "rows": "Rows",
        "last_changed": "Last changed",
        "last_load": "Last successful load",
        "age": "Hours since the load",
        "freshness": "Status",
        "fresh": "fresh",
        "stale": "stale",
        "never loaded": "never loaded",
        "table_not_loaded": "not loaded",
        "run_statuses": {
            "ok": "ok",
            "failed": "failed",
            "skipped": "cannot read",
            "stopped": "stopped",
            "resumable": "resumes next run",
            "out_of_budget": "request budget spent",
        },
        "statuses": {},
    },
}


class Formats:
    """Numbers, money and dates as the page shows them: pt `R$ 1.234,56`, `31/12/2025`; en `R$ 1,234.56`."""

    def __init__(self, lang: str):
        self.lang = lang
        self.labels = LABELS[lang]

    def _grouped(self, value: float, decimals: int) -> str:
        text = f"{value:,.{decimals}f}"
        return text.translate(str.maketrans(",.", ".,")) if self.lang == "pt" else text

    def money(self, value: float) -> str:
        return f"R$ {self._grouped(value, 2)}"

    def integer(self, value: int) -> str:
        return self._grouped(value, 0)

    def decimal(self, value: float) -> str:
        return self._grouped(value, 1)

    def percent(self, ratio: float) -> str:
        return f"{self._grouped(ratio * 100, 1)}%"

    def date(self, day: dt.date) -> str:
        return day.strftime("%d/%m/%Y")

    def month(self, day: dt.date) -> str:
        return day.strftime("%m/%Y")

    def moment(self, instant: dt.datetime) -> str:
        """A UTC instant (naive ones are UTC) in São Paulo time."""
        aware = instant if instant.tzinfo else instant.replace(tzinfo=dt.timezone.utc)
        return aware.astimezone(SAO_PAULO).strftime("%d/%m/%Y %H:%M")

    def status(self, name: str) -> str:
        return self.labels["statuses"].get(name, name)

    def run_status(self, name: str | None) -> str:
        """A last run's status (sync_runs), in words; no run recorded: a dash."""
        return self.labels["run_statuses"].get(name, name) if name else "—"

    def __call__(self, key: str, **values: object) -> str:
        return self.labels[key].format(**values)
