//! Storage on SQLite and PostgreSQL: [`SqlStore`] implements every storage port of
//! `maxai-ports` with diesel + diesel-async.
//!
//! One set of query code serves both backends: each query body is written once and expanded for
//! each backend by [`conn::with_conn!`] and [`conn::transaction!`] (the way Vaultwarden's
//! `db_run!` does it), so the two can never drift apart. Every write appends its audit entry in
//! the same transaction. This crate is the only one that knows diesel.

mod audit;
mod clients;
mod conn;
mod credentials;
mod directory;
mod error;
#[cfg(test)]
mod migration_tests;
mod rows;
mod schema;
mod settings;
mod tenants;

pub use conn::PoolOptions;
use maxai_ports::StoreResult;

/// The gateway's storage: a connection pool on SQLite (embedded) or PostgreSQL.
pub struct SqlStore {
    backend: conn::Backend,
}

impl SqlStore {
    /// Opens a pool on `url`: `postgres://…` for PostgreSQL, else a SQLite file path (created
    /// with its folder when missing). Connections are opened lazily.
    pub fn open(url: &str, options: PoolOptions) -> StoreResult<Self> {
        Ok(Self { backend: conn::Backend::open(url, options)? })
    }

    /// `sqlite` or `postgres`.
    pub fn backend_name(&self) -> &'static str {
        self.backend.name()
    }

    /// Applies pending migrations, returning the names of those applied. Needs the
    /// multi-threaded tokio runtime.
    pub async fn migrate(&self) -> StoreResult<Vec<String>> {
        self.backend.migrate().await
    }
}

/// Appends an audit entry on `$conn` (inside the caller's transaction).
macro_rules! record_audit {
    ($conn:ident, $context:expr, $tenant:expr, $action:expr, $target:expr, $summary:expr $(,)?) => {{
        let entry = maxai_ports::audit::NewAuditEntry {
            tenant_id: $tenant,
            action: $action.into(),
            target: $target,
            summary: $summary,
        };
        diesel::insert_into($crate::schema::audit_log::table)
            .values($crate::rows::AuditRow::new(entry, $context))
            .execute($conn)
            .await?;
    }};
}
pub(crate) use record_audit;
