//! Connections: one pool per backend, migrations embedded per backend, and the two macros that
//! run one query body on whichever backend the store was opened on.

use std::time::Duration;

use diesel::{Connection as _, SqliteConnection};
use diesel_async::{
    AsyncConnection, AsyncMigrationHarness, AsyncPgConnection, SimpleAsyncConnection as _,
    pooled_connection::{AsyncDieselConnectionManager, ManagerConfig, deadpool::Pool},
    sync_connection_wrapper::SyncConnectionWrapper,
};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};
use maxai_ports::{StoreError, StoreResult};

pub(crate) const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/postgres");
pub(crate) const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/sqlite");

/// Every SQLite connection starts with these: write-ahead log, enforced foreign keys, and a busy
/// timeout so a reader never fails because a writer holds the lock for a moment.
const SQLITE_PRAGMAS: &str = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
     PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;";

/// An arbitrary constant: the PostgreSQL advisory lock that serializes migrations when several
/// gateways start at once on one database.
const MIGRATION_LOCK: i64 = 0x6d61_7861_6900;

pub(crate) type SqliteConn = SyncConnectionWrapper<SqliteConnection>;

/// Which database a store talks to.
pub(crate) enum Backend {
    Postgres {
        pool: Pool<AsyncPgConnection>,
        url: String,
    },
    /// SQLite allows one writer at a time; `writer` makes write transactions take turns here
    /// instead of failing with `SQLITE_BUSY` when a deferred transaction tries to upgrade.
    Sqlite {
        pool: Pool<SqliteConn>,
        path: String,
        writer: tokio::sync::Mutex<()>,
    },
}

/// How large the pool may grow.
#[derive(Clone, Copy, Debug)]
pub struct PoolOptions {
    /// Most connections open at once.
    pub max_connections: usize,
    /// How long a caller waits for a free connection before the store reports `Unavailable`.
    pub acquire_timeout: Duration,
}

impl Default for PoolOptions {
    fn default() -> Self {
        Self { max_connections: 16, acquire_timeout: Duration::from_secs(5) }
    }
}

impl Backend {
    pub(crate) fn open(url: &str, options: PoolOptions) -> StoreResult<Self> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let manager = AsyncDieselConnectionManager::<AsyncPgConnection>::new(url);
            let pool = Pool::builder(manager)
                .max_size(options.max_connections)
                .wait_timeout(Some(options.acquire_timeout))
                .create_timeout(Some(options.acquire_timeout))
                .runtime(deadpool::Runtime::Tokio1)
                .build()
                .map_err(|e| StoreError::Internal(format!("postgres pool: {e}")))?;
            return Ok(Backend::Postgres { pool, url: url.to_owned() });
        }
        let path = url.strip_prefix("sqlite://").unwrap_or(url).to_owned();
        if let Some(dir) = std::path::Path::new(&path).parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| StoreError::Unavailable(format!("cannot create {}: {e}", dir.display())))?;
        }
        let mut config = ManagerConfig::<SqliteConn>::default();
        config.custom_setup = Box::new(|url| {
            let url = url.to_owned();
            Box::pin(async move {
                let mut conn = SqliteConn::establish(&url).await?;
                conn.batch_execute(SQLITE_PRAGMAS)
                    .await
                    .map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
                Ok(conn)
            })
        });
        let manager = AsyncDieselConnectionManager::new_with_config(path.clone(), config);
        let pool = Pool::builder(manager)
            .max_size(options.max_connections.min(8))
            .wait_timeout(Some(options.acquire_timeout))
            .runtime(deadpool::Runtime::Tokio1)
            .build()
            .map_err(|e| StoreError::Internal(format!("sqlite pool: {e}")))?;
        Ok(Backend::Sqlite { pool, path, writer: tokio::sync::Mutex::new(()) })
    }

    pub(crate) fn name(&self) -> &'static str {
        match self {
            Backend::Postgres { .. } => "postgres",
            Backend::Sqlite { .. } => "sqlite",
        }
    }

    /// Applies the pending migrations and returns their names.
    ///
    /// PostgreSQL migrations run under an advisory lock, so gateways starting together on one
    /// database apply each migration once. Needs the multi-threaded tokio runtime.
    pub(crate) async fn migrate(&self) -> StoreResult<Vec<String>> {
        match self {
            Backend::Postgres { url, .. } => {
                let mut conn = AsyncPgConnection::establish(url)
                    .await
                    .map_err(|e| StoreError::Unavailable(format!("postgres: {e}")))?;
                conn.batch_execute(&format!("SELECT pg_advisory_lock({MIGRATION_LOCK})"))
                    .await
                    .map_err(crate::error::classify)?;
                let mut harness = AsyncMigrationHarness::new(conn);
                let applied = harness.run_pending_migrations(POSTGRES_MIGRATIONS).map(names);
                let mut conn = harness.into_inner();
                conn.batch_execute(&format!("SELECT pg_advisory_unlock({MIGRATION_LOCK})"))
                    .await
                    .map_err(crate::error::classify)?;
                applied.map_err(|e| StoreError::Internal(format!("postgres migrations: {e}")))
            }
            Backend::Sqlite { path, writer, .. } => {
                let _turn = writer.lock().await;
                let path = path.clone();
                tokio::task::spawn_blocking(move || {
                    let mut conn = SqliteConnection::establish(&path)
                        .map_err(|e| StoreError::Unavailable(format!("sqlite {path}: {e}")))?;
                    diesel::connection::SimpleConnection::batch_execute(&mut conn, SQLITE_PRAGMAS)
                        .map_err(crate::error::classify)?;
                    conn.run_pending_migrations(SQLITE_MIGRATIONS)
                        .map(names)
                        .map_err(|e| StoreError::Internal(format!("sqlite migrations: {e}")))
                })
                .await
                .map_err(|e| StoreError::Internal(format!("sqlite migrations: {e}")))?
            }
        }
    }
}

fn names(versions: Vec<diesel::migration::MigrationVersion<'_>>) -> Vec<String> {
    versions.into_iter().map(|v| v.to_string()).collect()
}

/// Runs `$body` (an expression of type `Result<T, Fail>` that uses `$conn`) on a pooled
/// connection of whichever backend `$store` has; evaluates to `StoreResult<T>`.
macro_rules! with_conn {
    ($store:expr, |$conn:ident| $body:expr) => {
        match &$store.backend {
            $crate::conn::Backend::Postgres { pool, .. } => {
                let mut pooled = pool.get().await.map_err($crate::error::pool)?;
                let $conn = &mut *pooled;
                let result: Result<_, $crate::error::Fail> = async { $body }.await;
                result.map_err(|fail| fail.0)
            }
            $crate::conn::Backend::Sqlite { pool, .. } => {
                let mut pooled = pool.get().await.map_err($crate::error::pool)?;
                let $conn = &mut *pooled;
                let result: Result<_, $crate::error::Fail> = async { $body }.await;
                result.map_err(|fail| fail.0)
            }
        }
    };
}

/// Like [`with_conn!`], inside one transaction: `$body` is moved into the transaction's future,
/// and any error rolls the whole transaction back.
macro_rules! transaction {
    ($store:expr, |$conn:ident| $body:expr) => {{
        use diesel_async::AsyncConnection as _;
        match &$store.backend {
            $crate::conn::Backend::Postgres { pool, .. } => {
                let mut pooled = pool.get().await.map_err($crate::error::pool)?;
                pooled
                    .transaction::<_, $crate::error::Fail, _>(async move |$conn| $body)
                    .await
                    .map_err(|fail| fail.0)
            }
            $crate::conn::Backend::Sqlite { pool, writer, .. } => {
                let _turn = writer.lock().await;
                let mut pooled = pool.get().await.map_err($crate::error::pool)?;
                pooled
                    .transaction::<_, $crate::error::Fail, _>(async move |$conn| $body)
                    .await
                    .map_err(|fail| fail.0)
            }
        }
    }};
}

pub(crate) use {transaction, with_conn};
