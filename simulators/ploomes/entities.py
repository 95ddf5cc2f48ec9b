"""Every Ploomes endpoint the simulator serves, one entry each: fields, dates, custom fields, expands, size.

Field names are the API's PascalCase (Kondado's lower-case warehouse columns re-capitalised). `dated` entities
carry CreateDate and LastUpdateDate, kept as compact columns for fast filtering, and every mutation bumps
LastUpdateDate. `custom_entity_id` is the EntityId of their custom fields in /Fields (then `OtherProperties` can be
expanded). `size` turns the simulator's scale (the number of contacts) into a row count; lookups have fixed
contents (their builder says how many rows).
"""

from __future__ import annotations

from dataclasses import dataclass

DATES = ("CreateDate", "LastUpdateDate")


@dataclass(frozen=True)
class Size:
    factor: float = 0.0  # rows per contact
    minimum: int = 0
    maximum: int | None = None

    def rows(self, scale: int) -> int:
        n = max(self.minimum, round(scale * self.factor))
        return n if self.maximum is None else min(n, self.maximum)


@dataclass(frozen=True)
class Entity:
    endpoint: str  # the path without its leading slash, e.g. "Contacts@Types"
    fields: tuple[str, ...]  # scalar fields in response order (Id first)
    navigations: tuple[str, ...] = ()  # what $expand accepts; they appear only when expanded
    dated: bool = False
    custom_entity_id: int | None = None
    size: Size | None = None  # None: a lookup with fixed contents
    line_items_of: str | None = None  # "Products" items belong to this parent field ("OrderId"/"QuoteId")

    @property
    def all_fields(self) -> tuple[str, ...]:
        return self.fields + self.navigations


def _dated(*fields: str) -> tuple[str, ...]:
    return ("Id", *fields, *DATES)


def _named(*extra: str) -> tuple[str, ...]:
    return ("Id", "Name", *extra)


_PARTY = ("ContactId", "PersonId", "OwnerId", "CurrencyId")
_SHARING = ("Shared", "ExternallyAccepted", "ExternalNotifications", "ExternalSharingDate", "DocumentUrl")

# fmt: off
ENTITIES: tuple[Entity, ...] = (
    # --- records: dated, most with custom fields; sizes relative to the number of contacts -------------------
    Entity(
        "Contacts",
        _dated(
            "TypeId", "ClassId", "Name", "LegalName", "Register", "StatusId", "CompanyId", "RelationshipId",
            "LineOfBusinessId", "OriginId", "NumberOfEmployeesId", "OwnerId", "Note", "Email", "Website", "RoleId",
            "DepartmentId", "Skype", "Facebook", "StreetAddress", "StreetAddressNumber", "StreetAddressLine2",
            "Neighborhood", "ZipCode", "ForeignZipCode", "CityId", "CurrencyId", "EmailMarketing", "CNAECode",
            "CNAEName", "Latitude", "Longitude", "Key", "AvatarUrl", "IdentityDocument", "Birthday", "CreatorId",
            "UpdaterId",
        ),
        navigations=("OtherProperties", "Phones", "Tags"),
        dated=True,
        custom_entity_id=1,
        size=Size(1.0, minimum=1),
    ),
    Entity(
        "Deals",
        _dated(
            "Title", "ContactId", "PersonId", "StatusId", "PipelineId", "StageId", "LastStageId", "LossReasonId",
            "OriginId", "OwnerId", "CurrencyId", "Amount", "OriginDealId", "DealNumber", "ContactProductId",
            "StartDate", "FinishDate", "CreatorId",
        ),
        navigations=("OtherProperties",),
        dated=True,
        custom_entity_id=2,
        size=Size(0.5, minimum=1),
    ),
    Entity(
        "Leads",
        _dated("Name", "CompanyName", "Email", "Phone", "OriginId", "OwnerId", "ContactId", "DealId", "StatusId"),
        navigations=("OtherProperties",),
        dated=True,
        custom_entity_id=3,
        size=Size(0.1, minimum=1),
    ),
    Entity(
        "Orders",
        _dated(
            "OrderNumber", "Date", "ContactId", "PersonId", "StageId", "DealId", "OwnerId", "CurrencyId", "Amount",
            "Discount", "InternalComments", "Description", "Key", "AgentId", "Commission", "TemplateId", *_SHARING,
            "ApprovalStatusId", "ApprovalLevelId", "OriginQuoteId", "FileName",
        ),
        navigations=("OtherProperties", "Products"),
        dated=True,
        custom_entity_id=4,
        size=Size(0.2, minimum=1),
        line_items_of="OrderId",
    ),
    Entity(
        "Quotes",
        _dated(
            "QuoteNumber", "Date", "DealId", *_PARTY, "Amount", "TemplateId", "ApprovalStatusId", "Shared",
            "ExternalNotifications", "ExternalSharingDate", "LastReviewId",
        ),
        navigations=("OtherProperties", "Products"),
        dated=True,
        custom_entity_id=6,
        size=Size(0.2, minimum=1),
        line_items_of="QuoteId",
    ),
    Entity(
        "Tasks",
        _dated(
            "Title", "Description", "TypeId", "ContactId", "DealId", "OwnerId", "DateTime", "Finished", "Lenght",
            "RepeatIntervalLength", "RepeatIntervalUnitId", "EmailReminderId",
        ),
        navigations=("OtherProperties",),
        dated=True,
        custom_entity_id=12,
        size=Size(0.6, minimum=1),
    ),
    Entity(
        "InteractionRecords",
        _dated(
            "ContactId", "DealId", "OwnerId", "Date", "TypeId", "Title", "Content", "Latitude", "Longitude",
            "EmailRecipients", "EmailSubject",
        ),
        navigations=("OtherProperties",),
        dated=True,
        custom_entity_id=36,
        size=Size(0.4, minimum=1),
    ),
    Entity(
        "Documents",
        _dated(
            "Name", "DocumentNumber", "Date", "TemplateId", "ContactId", "PersonId", "DealId", "OwnerId", "Key",
            *_SHARING, "ApprovalStatusId", "ApprovalLevelId", "OriginQuoteId", "CurrencyId", "FileName",
        ),
        dated=True,
        size=Size(0.05, minimum=1),
    ),
    Entity(
        "Products",
        _dated("Name", "Code", "GroupId", "FamilyId", "MeasurementUnit", "ImageUrl", "CurrencyId", "UnitPrice"),
        navigations=("OtherProperties",),
        dated=True,
        custom_entity_id=10,
        size=Size(0.05, minimum=10, maximum=2000),
    ),
    Entity(
        "Users",
        _dated(
            "Name", "Email", "RoleId", "ProfileId", "AvatarUrl", "Phone", "Language", "Facebook", "LinkedIn",
            "SuspensionReasonId", "SuspensionReasonComments", "Integration", "NativeIntegration", "Courtesy",
            "Suspended", "UpdateDate",
        ),
        dated=True,
        size=Size(minimum=25, maximum=25),
    ),
    # --- proportional lookups ---------------------------------------------------------------------------------
    Entity("Contacts@Products", ("Id", "ContactId", "ProductId", "Quantity", "CreateDate"), size=Size(0.1, 1)),
    Entity("Products@Parts", ("Id", "ProductId", "PartProductId", "Quantity"), size=Size(0.01, 2, 400)),
    # --- fixed lookups ------------------------------------------------------------------------------------------
    Entity("Contacts@Types", _named()),
    Entity("Contacts@Status", _named()),
    Entity("Contacts@Origins", _named()),
    Entity("Contacts@LinesOfBusiness", _named()),
    Entity("Contacts@NumbersOfEmployees", _named()),
    Entity("Contacts@Relationships", _named()),
    Entity("Contacts@Classes", _named()),
    Entity(
        "Deals@Pipelines",
        _named(
            "MustPassAllStages", "ForbiddenStageReturn", "MayCreateQuotes", "MayCreateOrders", "MayCreateDocuments",
            "MayWinDeals", "MayLoseDeals", "FormId", "QuickFormId", "Archived", "NewOrderOnWonDeal",
            "CreateOrderOnWonDeal", "WinDealOnLastStage", "SingularUnitName", "PluralUnitName", "GenderId",
            "EnableTableViewMode", "EnableFunnelViewMode", "Ordination", "QuotesUseERPFormat", "OrdersUseERPFormat",
            "DocumentsUseERPFormat",
        ),
    ),
    Entity("Deals@Stages", _named("PipelineId", "Ordination")),
    Entity("Deals@Status", _named()),
    Entity("Deals@LossReasons", _named("PipelineId")),
    Entity("Orders@Stages", _named("Icon", "Ordination")),
    Entity("Quotes@ApprovalStatus", _named()),
    Entity("Products@Families", _named()),
    Entity("Products@Groups", _named("FamilyId", "FixedPrice", "Default")),
    Entity("Tasks@Types", _named("Icon", "Color")),
    Entity("Tasks@EmailReminders", _named()),
    Entity("Tasks@RepeatIntervalUnits", _named("DatePart", "DatePartLength")),
    Entity("Users@Profiles", _named()),
    Entity("Users@SuspensionReasons", _named()),
    Entity("Roles", _named()),
    Entity("Departments", _named()),
    Entity("Teams", _named("LeaderId")),
    Entity("Tags", _named("Color", "EntityId")),
    Entity("Currencies", _named("Symbol", "Code")),
    Entity("Cities", _named("CountryId", "StateId", "IBGECode", "Latitude", "Longitude")),
    Entity("Cities@States", ("Id", "Short", "Name", "CountryId")),
    Entity("Cities@Countries", ("Id", "Short", "Short2", "Name")),
    Entity("Webhooks", ("Id", "EntityId", "ActionId", "CallbackUrl", "ValidationKey")),
    # --- custom-field metadata (contents come from the field catalog, not from a builder) ----------------------
    Entity(
        "Fields",
        (
            "Id", "Key", "Name", "EntityId", "TypeId", "OptionsTableId", "Multiple", "Dynamic", "Required",
            "Hidden", "Disabled",
        ),
        navigations=("Type", "OptionsTable"),
    ),
    Entity("Fields@Entities", _named()),
    Entity("Fields@Types", _named("NativeType")),
    Entity("Fields@OptionsTables", _named(), navigations=("Options",)),
    Entity("Fields@OptionsTables@Options", ("Id", "TableId", "Name", "ExternalKey", "LastUpdateDate")),
)
# fmt: on

ENTITIES_BY_ENDPOINT: dict[str, Entity] = {entity.endpoint: entity for entity in ENTITIES}
CUSTOM_FIELD_ENTITIES: dict[int, Entity] = {e.custom_entity_id: e for e in ENTITIES if e.custom_entity_id}
