//! Rows as stored, and their conversion to and from the ports' records.

use chrono::{DateTime, NaiveDateTime, SubsecRound as _, Utc};
use diesel::prelude::*;
use maxai_ports::{
    audit::{AuditContext, AuditEntry, NewAuditEntry},
    roles::TenantRole,
    tenancy::*,
};

use crate::{error::Fail, error::corrupt, schema::*};

/// The current time at the precision both backends keep (microseconds), in UTC.
pub(crate) fn now() -> NaiveDateTime {
    Utc::now().naive_utc().trunc_subsecs(6)
}

pub(crate) fn to_naive(at: DateTime<Utc>) -> NaiveDateTime {
    at.naive_utc().trunc_subsecs(6)
}

fn utc(at: NaiveDateTime) -> DateTime<Utc> {
    at.and_utc()
}

pub(crate) fn parse<T: std::str::FromStr>(what: &str, value: &str) -> Result<T, Fail> {
    value.parse().map_err(|_| corrupt(what, value))
}

fn json<T: serde::de::DeserializeOwned>(what: &str, value: &str) -> Result<T, Fail> {
    serde_json::from_str(value).map_err(|_| corrupt(what, value))
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = tenants)]
pub(crate) struct TenantRow {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub status: String,
    pub plan: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl TryFrom<TenantRow> for Tenant {
    type Error = Fail;

    fn try_from(row: TenantRow) -> Result<Self, Fail> {
        Ok(Tenant {
            id: parse("tenant id", &row.id)?,
            status: TenantStatus::parse(&row.status).ok_or_else(|| corrupt("tenant status", &row.status))?,
            slug: row.slug,
            name: row.name,
            plan: row.plan,
            created_at: utc(row.created_at),
            updated_at: utc(row.updated_at),
        })
    }
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = clients)]
pub(crate) struct ClientRow {
    pub id: String,
    pub tenant_id: String,
    pub name: String,
    pub external_ref: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl TryFrom<ClientRow> for Client {
    type Error = Fail;

    fn try_from(row: ClientRow) -> Result<Self, Fail> {
        Ok(Client {
            id: parse("client id", &row.id)?,
            tenant_id: parse("tenant id", &row.tenant_id)?,
            name: row.name,
            external_ref: row.external_ref,
            created_at: utc(row.created_at),
            updated_at: utc(row.updated_at),
        })
    }
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = agents)]
pub(crate) struct AgentRow {
    pub id: String,
    pub tenant_id: String,
    pub client_id: String,
    pub name: String,
    pub channels: String,
    pub config: String,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl TryFrom<AgentRow> for Agent {
    type Error = Fail;

    fn try_from(row: AgentRow) -> Result<Self, Fail> {
        Ok(Agent {
            id: parse("agent id", &row.id)?,
            tenant_id: parse("tenant id", &row.tenant_id)?,
            client_id: parse("client id", &row.client_id)?,
            name: row.name,
            channels: json("agent channels", &row.channels)?,
            config: json("agent config", &row.config)?,
            version: row.version,
            created_at: utc(row.created_at),
            updated_at: utc(row.updated_at),
        })
    }
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = users)]
pub(crate) struct UserRow {
    pub id: String,
    pub email: String,
    pub name: String,
    pub password_hash: String,
    pub platform_role: Option<String>,
    pub active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl TryFrom<UserRow> for User {
    type Error = Fail;

    fn try_from(row: UserRow) -> Result<Self, Fail> {
        Ok(User {
            id: parse("user id", &row.id)?,
            platform_role: row.platform_role.as_deref().map(|r| parse("platform role", r)).transpose()?,
            email: row.email,
            name: row.name,
            password_hash: row.password_hash,
            active: row.active,
            created_at: utc(row.created_at),
            updated_at: utc(row.updated_at),
        })
    }
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = memberships)]
pub(crate) struct MembershipRow {
    pub id: String,
    pub user_id: String,
    pub tenant_id: String,
    pub role: String,
    pub client_id: Option<String>,
    pub created_at: NaiveDateTime,
}

impl TryFrom<MembershipRow> for Membership {
    type Error = Fail;

    fn try_from(row: MembershipRow) -> Result<Self, Fail> {
        Ok(Membership {
            id: parse("membership id", &row.id)?,
            user_id: parse("user id", &row.user_id)?,
            tenant_id: parse("tenant id", &row.tenant_id)?,
            role: parse::<TenantRole>("role", &row.role)?,
            client_id: row.client_id.as_deref().map(|c| parse("client id", c)).transpose()?,
            created_at: utc(row.created_at),
        })
    }
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = api_keys)]
pub(crate) struct ApiKeyRow {
    pub id: String,
    pub tenant_id: String,
    pub name: String,
    pub prefix: String,
    pub hash: String,
    pub scopes: String,
    pub created_by: String,
    pub last_used_at: Option<NaiveDateTime>,
    pub expires_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

impl TryFrom<ApiKeyRow> for ApiKey {
    type Error = Fail;

    fn try_from(row: ApiKeyRow) -> Result<Self, Fail> {
        Ok(ApiKey {
            id: parse("api key id", &row.id)?,
            tenant_id: parse("tenant id", &row.tenant_id)?,
            scopes: json("api key scopes", &row.scopes)?,
            name: row.name,
            prefix: row.prefix,
            hash: row.hash,
            created_by: row.created_by,
            last_used_at: row.last_used_at.map(utc),
            expires_at: row.expires_at.map(utc),
            revoked_at: row.revoked_at.map(utc),
            created_at: utc(row.created_at),
        })
    }
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = refresh_tokens)]
pub(crate) struct RefreshTokenRow {
    pub id: String,
    pub user_id: String,
    pub family_id: String,
    pub token_hash: String,
    pub expires_at: NaiveDateTime,
    pub used_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

impl TryFrom<RefreshTokenRow> for RefreshToken {
    type Error = Fail;

    fn try_from(row: RefreshTokenRow) -> Result<Self, Fail> {
        Ok(RefreshToken {
            id: parse("refresh token id", &row.id)?,
            user_id: parse("user id", &row.user_id)?,
            family_id: parse("token family", &row.family_id)?,
            token_hash: row.token_hash,
            expires_at: utc(row.expires_at),
            used_at: row.used_at.map(utc),
            revoked_at: row.revoked_at.map(utc),
        })
    }
}

impl From<RefreshToken> for RefreshTokenRow {
    fn from(token: RefreshToken) -> Self {
        RefreshTokenRow {
            id: token.id.to_string(),
            user_id: token.user_id.to_string(),
            family_id: token.family_id.to_string(),
            token_hash: token.token_hash,
            expires_at: to_naive(token.expires_at),
            used_at: token.used_at.map(to_naive),
            revoked_at: token.revoked_at.map(to_naive),
            created_at: now(),
        }
    }
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = audit_log)]
pub(crate) struct AuditRow {
    pub id: String,
    pub tenant_id: Option<String>,
    pub actor: String,
    pub action: String,
    pub target: Option<String>,
    pub request_id: String,
    pub client_addr: Option<String>,
    pub summary: String,
    pub at: NaiveDateTime,
}

impl AuditRow {
    pub(crate) fn new(entry: NewAuditEntry, context: &AuditContext) -> Self {
        AuditRow {
            id: maxai_ports::AuditId::new().to_string(),
            tenant_id: entry.tenant_id.map(|t| t.to_string()),
            actor: context.actor.clone(),
            action: entry.action,
            target: entry.target,
            request_id: context.request_id.clone(),
            client_addr: context.client_addr.clone(),
            summary: entry.summary.to_string(),
            at: now(),
        }
    }
}

impl TryFrom<AuditRow> for AuditEntry {
    type Error = Fail;

    fn try_from(row: AuditRow) -> Result<Self, Fail> {
        Ok(AuditEntry {
            id: parse("audit id", &row.id)?,
            tenant_id: row.tenant_id.as_deref().map(|t| parse("tenant id", t)).transpose()?,
            summary: json("audit summary", &row.summary)?,
            actor: row.actor,
            action: row.action,
            target: row.target,
            request_id: row.request_id,
            client_addr: row.client_addr,
            at: utc(row.at),
        })
    }
}

/// Converts every row of a query result.
pub(crate) fn convert<R, T: TryFrom<R, Error = Fail>>(rows: Vec<R>) -> Result<Vec<T>, Fail> {
    rows.into_iter().map(T::try_from).collect()
}

/// Turns `limit + 1` fetched rows into a page whose cursor is the last kept id.
pub(crate) fn page_of<T, R>(
    rows: Vec<R>,
    limit: u32,
    id: impl Fn(&T) -> String,
) -> maxai_ports::StoreResult<maxai_ports::page::Page<T>>
where
    T: TryFrom<R, Error = Fail>,
{
    Ok(maxai_ports::page::Page::from_overfetch(convert(rows).map_err(|f| f.0)?, limit, id))
}
