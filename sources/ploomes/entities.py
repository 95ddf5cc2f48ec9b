"""Every Ploomes table in one place: one entry per entity.

An entry says where the rows come from (`path`), how they load (incremental on a cursor and merged on `id`, or
replaced each run), which custom fields they carry (`fields_entity_id`, the EntityId of `/Fields`), which nested
lists become child tables, and which columns reference which tables (so `dlt pipeline ploomes schema` can draw the
relationship graph). Column names are dlt's snake_case of the API's PascalCase names (`LineOfBusinessId` ->
`line_of_business_id`).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Child:
    """A nested list of a parent row that lands as its own table, replaced exactly whenever the parent reloads."""

    table: str
    nav: str  # the navigation property, asked for with $expand
    parent_key: str  # column in the child table holding the parent's id
    inherited: tuple[str, ...] = ()  # parent columns copied onto each child row (Kondado's order_products)
    references: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Entity:
    table: str
    path: str
    cursor: str | None = None  # incremental on this field when set; replaced every run otherwise
    fields_entity_id: int | None = None  # custom fields (OtherProperties) of this EntityId become columns
    expand: tuple[str, ...] = ()  # navigation properties kept on the row as JSON columns
    children: tuple[Child, ...] = ()
    references: dict[str, str] = field(default_factory=dict)  # column -> referenced table (its `id`)

    @property
    def incremental(self) -> bool:
        return self.cursor is not None

    @property
    def expands(self) -> tuple[str, ...]:
        custom = ("OtherProperties",) if self.fields_entity_id is not None else ()
        return custom + self.expand + tuple(child.nav for child in self.children)


_PARTY = {"contact_id": "contacts", "person_id": "contacts", "owner_id": "users", "currency_id": "currencies"}
_LINE_ITEM_REFS = {
    "product_id": "products",
    "deal_id": "deals",
    "owner_id": "users",
    "contact_id": "contacts",
}
_LINE_ITEM_PARENT_COLUMNS = ("deal_id", "owner_id", "contact_id")

ENTITIES: tuple[Entity, ...] = (
    # --- core records: incremental on LastUpdateDate, merged on id ---
    Entity(
        "contacts",
        "/Contacts",
        cursor="LastUpdateDate",
        fields_entity_id=1,
        expand=("Tags",),
        children=(Child("contact_phones", "Phones", "contact_id"),),
        references={
            "type_id": "contact_types",
            "class_id": "contact_classes",
            "status_id": "contact_statuses",
            "company_id": "contacts",
            "relationship_id": "contact_relationships",
            "line_of_business_id": "contact_lines_of_business",
            "origin_id": "contact_origins",
            "number_of_employees_id": "contact_numbers_of_employees",
            "owner_id": "users",
            "role_id": "roles",
            "department_id": "departments",
            "city_id": "cities",
            "currency_id": "currencies",
        },
    ),
    Entity(
        "deals",
        "/Deals",
        cursor="LastUpdateDate",
        fields_entity_id=2,
        references={
            **_PARTY,
            "status_id": "deal_statuses",
            "pipeline_id": "deal_pipelines",
            "stage_id": "deal_stages",
            "last_stage_id": "deal_stages",
            "loss_reason_id": "deal_loss_reasons",
            "origin_deal_id": "deals",
            "contact_product_id": "contact_products",
        },
    ),
    Entity(
        "leads",
        "/Leads",
        cursor="LastUpdateDate",
        fields_entity_id=3,
        references={"owner_id": "users", "contact_id": "contacts", "deal_id": "deals"},
    ),
    Entity(
        "orders",
        "/Orders",
        cursor="LastUpdateDate",
        fields_entity_id=4,
        children=(
            Child(
                "order_products",
                "Products",
                "order_id",
                inherited=_LINE_ITEM_PARENT_COLUMNS,
                references={"order_id": "orders", **_LINE_ITEM_REFS},
            ),
        ),
        references={**_PARTY, "stage_id": "order_stages", "deal_id": "deals", "origin_quote_id": "quotes"},
    ),
    Entity(
        "quotes",
        "/Quotes",
        cursor="LastUpdateDate",
        fields_entity_id=6,
        children=(
            Child(
                "quote_products",
                "Products",
                "quote_id",
                inherited=_LINE_ITEM_PARENT_COLUMNS,
                references={"quote_id": "quotes", **_LINE_ITEM_REFS},
            ),
        ),
        references={**_PARTY, "deal_id": "deals", "approval_status_id": "quote_approval_statuses"},
    ),
    Entity(
        "products",
        "/Products",
        cursor="LastUpdateDate",
        fields_entity_id=10,
        references={
            "group_id": "product_groups",
            "family_id": "product_families",
            "currency_id": "currencies",
        },
    ),
    Entity(
        "tasks",
        "/Tasks",
        cursor="LastUpdateDate",
        fields_entity_id=12,
        references={
            "type_id": "task_types",
            "contact_id": "contacts",
            "deal_id": "deals",
            "owner_id": "users",
            "repeat_interval_unit_id": "task_repeat_interval_units",
            "email_reminder_id": "task_email_reminders",
        },
    ),
    Entity(
        "interaction_records",
        "/InteractionRecords",
        cursor="LastUpdateDate",
        fields_entity_id=36,
        references={
            "contact_id": "contacts",
            "deal_id": "deals",
            "type_id": "task_types",
            "owner_id": "users",
        },
    ),
    Entity("documents", "/Documents", cursor="LastUpdateDate", references={**_PARTY, "deal_id": "deals"}),
    Entity(
        "users",
        "/Users",
        cursor="LastUpdateDate",
        references={
            "role_id": "roles",
            "profile_id": "user_profiles",
            "suspension_reason_id": "user_suspension_reasons",
        },
    ),
    # --- lookups: small, replaced every run ---
    Entity("contact_types", "/Contacts@Types"),
    Entity("contact_statuses", "/Contacts@Status"),
    Entity("contact_relationships", "/Contacts@Relationships"),
    Entity("contact_lines_of_business", "/Contacts@LinesOfBusiness"),
    Entity("contact_origins", "/Contacts@Origins"),
    Entity("contact_classes", "/Contacts@Classes"),
    Entity("contact_numbers_of_employees", "/Contacts@NumbersOfEmployees"),
    Entity(
        "contact_products",
        "/Contacts@Products",
        references={"contact_id": "contacts", "product_id": "products"},
    ),
    Entity("deal_pipelines", "/Deals@Pipelines"),
    Entity("deal_stages", "/Deals@Stages", references={"pipeline_id": "deal_pipelines"}),
    Entity("deal_statuses", "/Deals@Status"),
    Entity("deal_loss_reasons", "/Deals@LossReasons", references={"pipeline_id": "deal_pipelines"}),
    Entity("order_stages", "/Orders@Stages"),
    Entity("quote_approval_statuses", "/Quotes@ApprovalStatus"),
    Entity("product_groups", "/Products@Groups", references={"family_id": "product_families"}),
    Entity("product_families", "/Products@Families"),
    Entity("product_parts", "/Products@Parts", references={"product_id": "products"}),
    Entity("task_types", "/Tasks@Types"),
    Entity("task_email_reminders", "/Tasks@EmailReminders"),
    Entity("task_repeat_interval_units", "/Tasks@RepeatIntervalUnits"),
    Entity("user_profiles", "/Users@Profiles"),
    Entity("user_suspension_reasons", "/Users@SuspensionReasons"),
    Entity("roles", "/Roles"),
    Entity("departments", "/Departments"),
    Entity("teams", "/Teams"),
    Entity("tags", "/Tags"),
    Entity("currencies", "/Currencies"),
    Entity("cities", "/Cities", references={"state_id": "states", "country_id": "countries"}),
    Entity("states", "/Cities@States", references={"country_id": "countries"}),
    Entity("countries", "/Cities@Countries"),
    Entity("field_options", "/Fields@OptionsTables@Options"),
)

ENTITIES_BY_TABLE: dict[str, Entity] = {entity.table: entity for entity in ENTITIES}
# `custom_fields` is built from the same /Fields read that turns OtherProperties into columns (see custom_fields.py).
CUSTOM_FIELDS_TABLE = "custom_fields"
ALL_TABLES: tuple[str, ...] = tuple(ENTITIES_BY_TABLE) + (CUSTOM_FIELDS_TABLE,)
