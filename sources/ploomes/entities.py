"""Every Ploomes table in one place: one entry per entity.

An entry says where the rows come from (`path`), how they load (incremental on a cursor and merged on `id`, or
replaced each run), which custom fields they carry (`fields_entity_id`, the EntityId of `/Fields`), which nested
lists become child tables, and which columns reference which tables (so `dlt pipeline ploomes schema` can draw the
relationship graph). Column names are dlt's snake_case of the API's PascalCase names (`LineOfBusinessId` ->
`line_of_business_id`).

`natives` declares the entity's own properties and their types (Kondado's table reference and the seed guide), so
that a table's columns and their types never depend on what the first record happened to carry: a property the API
omits when null still has its column, a number sent as text lands in its numeric column, and a custom field can never
take a native property's column. A property the API sends that is not declared still loads, typed by its values.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# dlt data type of a property, by its name unless declared otherwise: `...Id` bigint, `...Date` timestamp, else text
_BY_SUFFIX = (("Id", "bigint"), ("Date", "timestamp"))


def natives(names: str, **types: str) -> dict[str, str]:
    """API property -> dlt data type, for the space-separated `names`; `types` maps a dlt type to the names (space-
    separated) that have it although their suffix says otherwise, e.g. `bool="Shared Archived"`."""
    declared = {name: kind for kind, listed in types.items() for name in listed.split()}
    result = {}
    for name in names.split():
        default = next((kind for suffix, kind in _BY_SUFFIX if name.endswith(suffix)), "text")
        result[name] = declared.pop(name, default)
    if declared:
        raise ValueError(f"types given for undeclared properties {sorted(declared)}")
    return result


@dataclass(frozen=True)
class Child:
    """A nested list of a parent row that lands as its own table, replaced exactly whenever the parent reloads."""

    table: str
    nav: str  # the navigation property, asked for with $expand
    parent_key: str  # column in the child table holding the parent's id
    inherited: tuple[str, ...] = ()  # parent columns copied onto each child row (Kondado's order_products)
    references: dict[str, str] = field(default_factory=dict)
    natives: dict[str, str] = field(default_factory=dict)  # the items' properties (see `natives`)


@dataclass(frozen=True)
class Entity:
    table: str
    path: str
    natives: dict[str, str]  # the records' own properties and their dlt types (see `natives`)
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
_DATES = "CreateDate LastUpdateDate"
_SHARING = "Shared ExternallyAccepted ExternalNotifications ExternalSharingDate DocumentUrl"
_LINE_ITEM = "Id ProductId Quantity UnitPrice Discount Total Bonus"
_LINE_ITEM_TYPES = {"double": "Quantity UnitPrice Discount Total Bonus"}
_NAMED = natives("Id Name")

ENTITIES: tuple[Entity, ...] = (
    # --- core records: incremental on LastUpdateDate, merged on id ---
    Entity(
        "contacts",
        "/Contacts",
        natives(
            "Id TypeId ClassId Name LegalName Register StatusId CompanyId RelationshipId LineOfBusinessId OriginId "
            "NumberOfEmployeesId OwnerId Note Email Website RoleId DepartmentId Skype Facebook StreetAddress "
            "StreetAddressNumber StreetAddressLine2 Neighborhood ZipCode ForeignZipCode CityId CurrencyId "
            f"EmailMarketing CNAECode CNAEName Latitude Longitude Key AvatarUrl IdentityDocument Birthday CreatorId "
            f"UpdaterId {_DATES}",
            bool="EmailMarketing",
            double="Latitude Longitude",
            timestamp="Birthday",
        ),
        cursor="LastUpdateDate",
        fields_entity_id=1,
        expand=("Tags",),
        children=(Child("contact_phones", "Phones", "contact_id", natives=natives("Id PhoneNumber TypeId CountryId")),),
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
        natives(
            "Id Title ContactId PersonId StatusId PipelineId StageId LastStageId LossReasonId OriginId OwnerId "
            f"CurrencyId Amount OriginDealId DealNumber ContactProductId StartDate FinishDate CreatorId {_DATES}",
            double="Amount",
            bigint="DealNumber",
        ),
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
        natives(f"Id Name CompanyName Email Phone OriginId OwnerId ContactId DealId StatusId {_DATES}"),
        cursor="LastUpdateDate",
        fields_entity_id=3,
        references={"owner_id": "users", "contact_id": "contacts", "deal_id": "deals"},
    ),
    Entity(
        "orders",
        "/Orders",
        natives(
            "Id OrderNumber Date ContactId PersonId StageId DealId OwnerId CurrencyId Amount Discount "
            f"InternalComments Description Key AgentId Commission TemplateId {_SHARING} ApprovalStatusId "
            f"ApprovalLevelId OriginQuoteId FileName {_DATES}",
            bigint="OrderNumber",
            double="Amount Discount Commission",
            bool="Shared ExternallyAccepted ExternalNotifications",
        ),
        cursor="LastUpdateDate",
        fields_entity_id=4,
        children=(
            Child(
                "order_products",
                "Products",
                "order_id",
                inherited=_LINE_ITEM_PARENT_COLUMNS,
                references={"order_id": "orders", **_LINE_ITEM_REFS},
                natives=natives(f"{_LINE_ITEM} OrderId", **_LINE_ITEM_TYPES),
            ),
        ),
        references={**_PARTY, "stage_id": "order_stages", "deal_id": "deals", "origin_quote_id": "quotes"},
    ),
    Entity(
        "quotes",
        "/Quotes",
        natives(
            "Id QuoteNumber Date DealId ContactId PersonId OwnerId CurrencyId Amount TemplateId ApprovalStatusId "
            f"Shared ExternalNotifications ExternalSharingDate LastReviewId {_DATES}",
            bigint="QuoteNumber",
            double="Amount",
            bool="Shared ExternalNotifications",
        ),
        cursor="LastUpdateDate",
        fields_entity_id=6,
        children=(
            Child(
                "quote_products",
                "Products",
                "quote_id",
                inherited=_LINE_ITEM_PARENT_COLUMNS,
                references={"quote_id": "quotes", **_LINE_ITEM_REFS},
                natives=natives(f"{_LINE_ITEM} QuoteId", **_LINE_ITEM_TYPES),
            ),
        ),
        references={**_PARTY, "deal_id": "deals", "approval_status_id": "quote_approval_statuses"},
    ),
    Entity(
        "products",
        "/Products",
        natives(
            f"Id Name Code GroupId FamilyId MeasurementUnit ImageUrl CurrencyId UnitPrice {_DATES}", double="UnitPrice"
        ),
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
        natives(
            "Id Title Description TypeId ContactId DealId OwnerId DateTime Finished Lenght RepeatIntervalLength "
            f"RepeatIntervalUnitId EmailReminderId {_DATES}",
            bool="Finished",
            bigint="Lenght RepeatIntervalLength",
            timestamp="DateTime",
        ),
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
        natives(
            "Id ContactId DealId OwnerId Date TypeId Title Content Latitude Longitude EmailRecipients EmailSubject "
            f"{_DATES}",
            double="Latitude Longitude",
        ),
        cursor="LastUpdateDate",
        fields_entity_id=36,
        references={
            "contact_id": "contacts",
            "deal_id": "deals",
            "type_id": "task_types",
            "owner_id": "users",
        },
    ),
    Entity(
        "documents",
        "/Documents",
        natives(
            "Id Name DocumentNumber Date TemplateId ContactId PersonId DealId OwnerId Key "
            f"{_SHARING} ApprovalStatusId ApprovalLevelId OriginQuoteId CurrencyId FileName {_DATES}",
            bigint="DocumentNumber",
            bool="Shared ExternallyAccepted ExternalNotifications",
        ),
        cursor="LastUpdateDate",
        references={**_PARTY, "deal_id": "deals"},
    ),
    Entity(
        "users",
        "/Users",
        natives(
            "Id Name Email RoleId ProfileId AvatarUrl Phone Language Facebook LinkedIn SuspensionReasonId "
            f"SuspensionReasonComments Integration NativeIntegration Courtesy Suspended UpdateDate {_DATES}",
            bool="Integration NativeIntegration Courtesy Suspended",
        ),
        cursor="LastUpdateDate",
        references={
            "role_id": "roles",
            "profile_id": "user_profiles",
            "suspension_reason_id": "user_suspension_reasons",
        },
    ),
    # --- lookups: small, read whole every run ---
    Entity("contact_types", "/Contacts@Types", _NAMED),
    Entity("contact_statuses", "/Contacts@Status", _NAMED),
    Entity("contact_relationships", "/Contacts@Relationships", _NAMED),
    Entity("contact_lines_of_business", "/Contacts@LinesOfBusiness", _NAMED),
    Entity("contact_origins", "/Contacts@Origins", _NAMED),
    Entity("contact_classes", "/Contacts@Classes", _NAMED),
    Entity("contact_numbers_of_employees", "/Contacts@NumbersOfEmployees", _NAMED),
    Entity(
        "contact_products",
        "/Contacts@Products",
        natives("Id ContactId ProductId Quantity CreateDate", double="Quantity"),
        references={"contact_id": "contacts", "product_id": "products"},
    ),
    Entity(
        "deal_pipelines",
        "/Deals@Pipelines",
        natives(
            "Id Name MustPassAllStages ForbiddenStageReturn MayCreateQuotes MayCreateOrders MayCreateDocuments "
            "MayWinDeals MayLoseDeals FormId QuickFormId Archived NewOrderOnWonDeal CreateOrderOnWonDeal "
            "WinDealOnLastStage SingularUnitName PluralUnitName GenderId EnableTableViewMode EnableFunnelViewMode "
            "Ordination QuotesUseERPFormat OrdersUseERPFormat DocumentsUseERPFormat",
            bool="MustPassAllStages ForbiddenStageReturn MayCreateQuotes MayCreateOrders MayCreateDocuments "
            "MayWinDeals MayLoseDeals Archived NewOrderOnWonDeal CreateOrderOnWonDeal WinDealOnLastStage "
            "EnableTableViewMode EnableFunnelViewMode QuotesUseERPFormat OrdersUseERPFormat DocumentsUseERPFormat",
            bigint="Ordination",
        ),
    ),
    Entity(
        "deal_stages",
        "/Deals@Stages",
        natives("Id Name PipelineId Ordination", bigint="Ordination"),
        references={"pipeline_id": "deal_pipelines"},
    ),
    Entity("deal_statuses", "/Deals@Status", _NAMED),
    Entity(
        "deal_loss_reasons",
        "/Deals@LossReasons",
        natives("Id Name PipelineId"),
        references={"pipeline_id": "deal_pipelines"},
    ),
    Entity("order_stages", "/Orders@Stages", natives("Id Name Icon Ordination", bigint="Ordination")),
    Entity("quote_approval_statuses", "/Quotes@ApprovalStatus", _NAMED),
    Entity(
        "product_groups",
        "/Products@Groups",
        natives("Id Name FamilyId FixedPrice Default", bool="FixedPrice Default"),
        references={"family_id": "product_families"},
    ),
    Entity("product_families", "/Products@Families", _NAMED),
    Entity(
        "product_parts",
        "/Products@Parts",
        natives("Id ProductId PartProductId Quantity", double="Quantity"),
        references={"product_id": "products"},
    ),
    Entity("task_types", "/Tasks@Types", natives("Id Name Icon Color")),
    Entity("task_email_reminders", "/Tasks@EmailReminders", _NAMED),
    Entity(
        "task_repeat_interval_units",
        "/Tasks@RepeatIntervalUnits",
        natives("Id Name DatePart DatePartLength", bigint="DatePartLength"),
    ),
    Entity("user_profiles", "/Users@Profiles", _NAMED),
    Entity("user_suspension_reasons", "/Users@SuspensionReasons", _NAMED),
    Entity("roles", "/Roles", _NAMED),
    Entity("departments", "/Departments", _NAMED),
    Entity("teams", "/Teams", natives("Id Name LeaderId")),
    Entity("tags", "/Tags", natives("Id Name Color EntityId")),
    Entity("currencies", "/Currencies", natives("Id Name Symbol Code")),
    Entity(
        "cities",
        "/Cities",
        natives(
            "Id Name CountryId StateId IBGECode Latitude Longitude", bigint="IBGECode", double="Latitude Longitude"
        ),
        references={"state_id": "states", "country_id": "countries"},
    ),
    Entity("states", "/Cities@States", natives("Id Short Name CountryId"), references={"country_id": "countries"}),
    Entity("countries", "/Cities@Countries", natives("Id Short Short2 Name")),
    Entity("field_options", "/Fields@OptionsTables@Options", natives("Id TableId Name ExternalKey LastUpdateDate")),
)

ENTITIES_BY_TABLE: dict[str, Entity] = {entity.table: entity for entity in ENTITIES}
# `custom_fields` is built from the same /Fields read that turns OtherProperties into columns (see custom_fields.py).
CUSTOM_FIELDS_TABLE = "custom_fields"
ALL_TABLES: tuple[str, ...] = tuple(ENTITIES_BY_TABLE) + (CUSTOM_FIELDS_TABLE,)
