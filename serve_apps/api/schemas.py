"""Request and response bodies of the account and workspace API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from pipelines.profiles.vacancy_edit import RecruiterEdit

RoleName = Literal["owner", "recruiter", "viewer"]
Stage = Literal[
    "new", "screened", "interview_scheduled", "interviewed", "offer", "hired", "rejected"
]  # db.applications.STAGES: one funnel, spelled twice (checked in the tests)
VacancySource = Literal["manual", "upload", "hh", "djinni", "board", "api"]  # db.vacancies.SOURCES
# Plain shape check: internal domains such as .local or .test are valid sign-in addresses.
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+$"


def paged(what: str) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI answer of a paged list: its 200 carries `X-Total-Count`."""
    return {
        200: {
            "description": f"{what[:1].upper()}{what[1:]} of this page",
            "headers": {
                "X-Total-Count": {
                    "description": f"how many {what} match the filters, paging aside",
                    "schema": {"type": "integer"},
                }
            },
        }
    }


class Health(BaseModel):
    status: Literal["ok", "degraded"]
    database: Literal["ok", "unavailable"]
    version: str


class LoginRequest(BaseModel):
    email: str = Field(pattern=EMAIL_PATTERN, max_length=320)
    password: str = Field(min_length=1, max_length=200)


class PasswordChange(BaseModel):
    current_password: str = Field(min_length=1, max_length=200)
    new_password: str = Field(min_length=8, max_length=200)


class UserOut(BaseModel):
    id: int
    email: str
    full_name: str


class LoginResponse(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_at: datetime
    user: UserOut


class WorkspaceOut(BaseModel):
    id: UUID
    slug: str
    name: str
    role: RoleName
    created_at: datetime


class MeResponse(BaseModel):
    user: UserOut
    workspaces: list[WorkspaceOut]
    language: Literal["ru", "en"] | None = Field(
        default=None, description="the console language the user chose (None: not chosen)"
    )


class PreferencesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    language: Literal["ru", "en"]


class WorkspaceCreate(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    slug: str | None = Field(default=None, pattern=r"^[a-z0-9][a-z0-9-]{1,62}$")


class MemberOut(BaseModel):
    user_id: int
    email: str
    full_name: str
    role: RoleName
    created_at: datetime


class MemberRoleUpdate(BaseModel):
    role: RoleName


class InvitationCreate(BaseModel):
    """Who to invite, with which role. Unknown fields are refused, so a client still sending
    the password the members route once took learns that accounts are not created here."""

    model_config = ConfigDict(extra="forbid")

    email: str = Field(pattern=EMAIL_PATTERN, max_length=320)
    role: RoleName = "recruiter"


class InvitationSent(BaseModel):
    """The answer to an invitation: the same shape whether or not the address has an account."""

    email: str
    role: RoleName
    expires_at: datetime
    status: Literal["invited"] = "invited"


class InvitationOut(BaseModel):
    """An unanswered invitation, as the workspace's owners see it."""

    id: UUID
    email: str
    role: RoleName
    invited_by: int | None
    created_at: datetime
    expires_at: datetime
    status: Literal["pending", "expired"]


class ReceivedInvitationOut(BaseModel):
    """An open invitation, as the person invited sees it."""

    id: UUID
    workspace_id: UUID
    workspace_name: str
    role: RoleName
    invited_by_email: str | None
    created_at: datetime
    expires_at: datetime


class ApiKeyOut(BaseModel):
    id: int
    name: str
    prefix: str
    role: RoleName
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None
    revoked_at: datetime | None


class ApiKeyCreate(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    role: RoleName = "recruiter"
    expires_in_days: int | None = Field(default=None, ge=1, le=3650)


class ApiKeyIssued(ApiKeyOut):
    key: str = Field(description="The key itself. Shown only in this response.")


class VacancyCreate(BaseModel):
    title: str = Field(min_length=1, max_length=300)
    description: str = Field(default="", max_length=100_000)
    language: Literal["ru", "en"] = "ru"
    location: str | None = Field(default=None, max_length=200)


class VacancyOut(BaseModel):
    id: int
    title: str
    description: str
    source: str
    language: str
    location: str | None
    status: str
    applications: int = 0
    created_at: datetime
    updated_at: datetime


class RequirementItem(BaseModel):
    """One requirement as the recruiter wants it checked."""

    model_config = ConfigDict(extra="forbid")

    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
    must: bool = Field(default=True, description="false: nice to have")


class RequirementsEdit(BaseModel):
    """The recruiter's corrected requirements: the whole list, replacing what the analysis
    found. An item worded like an analysed requirement keeps what was read from it; another
    is read like a vacancy line (`requirement_unreadable` when it names nothing to check)."""

    model_config = ConfigDict(extra="forbid")

    items: list[RequirementItem] = Field(max_length=60)
    min_years: float | None = Field(default=None, ge=0, le=50)

    def to_edit(self) -> RecruiterEdit:
        return RecruiterEdit(
            items=tuple((item.text, item.must) for item in self.items), min_years=self.min_years
        )


class VacancyPreview(BaseModel):
    """What a vacancy would be saved as; nothing is stored."""

    title: str
    description: str
    language: str
    location: str | None
    requirements: dict[str, Any]


class VacancyPatch(BaseModel):
    """Fields to change; those left out stay. `location: null` clears the location."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(default=None, min_length=1, max_length=300)
    description: str | None = Field(default=None, min_length=1, max_length=100_000)
    location: str | None = Field(default=None, max_length=200)
    requirements: RequirementsEdit | None = None
    status: Literal["active", "archived"] | None = None

    @model_validator(mode="after")
    def _something(self) -> VacancyPatch:
        given = [self.title, self.description, self.requirements, self.status]
        if all(value is None for value in given) and "location" not in self.model_fields_set:
            raise ValueError(
                "nothing to change: give title, description, location, requirements or status"
            )
        return self


class CandidateOut(BaseModel):
    id: int
    full_name: str
    email: str | None
    phone: str | None
    telegram_username: str | None
    location: str | None
    created_at: datetime


class AuditOut(BaseModel):
    id: int
    action: str
    actor_user_id: int | None
    actor_api_key_id: int | None
    target_type: str | None
    target_id: str | None
    details: dict
    created_at: datetime
