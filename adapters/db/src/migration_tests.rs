//! The migrations on both backends: `down.sql` undoes everything `up.sql` did, applying them
//! again gives the same schema, and the audit log refuses updates and deletes.
//!
//! PostgreSQL runs when `MAXAI_TEST_DATABASE_URL` names a role that may create databases (CI
//! sets it); SQLite always runs.

use diesel::{QueryableByName, sql_types::Text};

#[derive(QueryableByName, Debug, PartialEq, Eq)]
struct Name {
    #[diesel(sql_type = Text)]
    name: String,
}

const SQLITE_OBJECTS: &str = "SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' AND name NOT LIKE '__diesel%' ORDER BY name";
const POSTGRES_OBJECTS: &str = "SELECT table_name::text AS name FROM information_schema.tables WHERE table_schema = 'public' \
     AND table_name NOT LIKE '__diesel%' \
     UNION ALL SELECT routine_name::text FROM information_schema.routines WHERE routine_schema = 'public' \
     UNION ALL SELECT DISTINCT trigger_name::text FROM information_schema.triggers WHERE trigger_schema = 'public' \
     UNION ALL SELECT indexname::text FROM pg_indexes WHERE schemaname = 'public' AND tablename NOT LIKE '__diesel%' \
     ORDER BY 1";
const INSERT_AUDIT: &str = "INSERT INTO audit_log (id, actor, action, request_id, summary, at) \
     VALUES ('a', 'system', 'test', 'r', '{}', CURRENT_TIMESTAMP)";

mod sqlite {
    use diesel::{Connection as _, RunQueryDsl as _, SqliteConnection};
    use diesel_migrations::MigrationHarness as _;

    use super::{INSERT_AUDIT, Name, SQLITE_OBJECTS};
    use crate::conn::SQLITE_MIGRATIONS;

    #[test]
    fn sqlite_migrations_revert_and_reapply() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = SqliteConnection::establish(&dir.path().join("m.db").display().to_string()).unwrap();
        conn.run_pending_migrations(SQLITE_MIGRATIONS).unwrap();
        let applied: Vec<Name> = diesel::sql_query(SQLITE_OBJECTS).load(&mut conn).unwrap();
        assert!(applied.iter().any(|n| n.name == "audit_log"), "{applied:?}");

        diesel::sql_query(INSERT_AUDIT).execute(&mut conn).unwrap();
        let update = diesel::sql_query("UPDATE audit_log SET actor = 'someone else'").execute(&mut conn);
        assert!(update.unwrap_err().to_string().contains("append-only"));
        assert!(diesel::sql_query("DELETE FROM audit_log").execute(&mut conn).is_err());

        conn.revert_all_migrations(SQLITE_MIGRATIONS).unwrap();
        let reverted: Vec<Name> = diesel::sql_query(SQLITE_OBJECTS).load(&mut conn).unwrap();
        assert_eq!(reverted, vec![], "down.sql left these behind");
        conn.run_pending_migrations(SQLITE_MIGRATIONS).unwrap();
        let again: Vec<Name> = diesel::sql_query(SQLITE_OBJECTS).load(&mut conn).unwrap();
        assert_eq!(again, applied);
    }
}

mod postgres {
    use diesel_async::{AsyncConnection as _, AsyncMigrationHarness, AsyncPgConnection, RunQueryDsl as _};
    use diesel_migrations::MigrationHarness as _;

    use super::{INSERT_AUDIT, Name, POSTGRES_OBJECTS};
    use crate::conn::POSTGRES_MIGRATIONS;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres_migrations_revert_and_reapply() {
        let Some(admin) = std::env::var("MAXAI_TEST_DATABASE_URL").ok().filter(|u| !u.is_empty()) else {
            eprintln!("skipped on PostgreSQL: set MAXAI_TEST_DATABASE_URL");
            return;
        };
        let name = format!("maxai_migrations_{}", uuid::Uuid::now_v7().simple());
        let mut server = AsyncPgConnection::establish(&admin).await.unwrap();
        diesel::sql_query(format!("CREATE DATABASE {name}")).execute(&mut server).await.unwrap();
        let (base, _) = admin.rsplit_once('/').unwrap();
        let conn = AsyncPgConnection::establish(&format!("{base}/{name}")).await.unwrap();

        let mut harness = AsyncMigrationHarness::new(conn);
        harness.run_pending_migrations(POSTGRES_MIGRATIONS).unwrap();
        let mut conn = harness.into_inner();
        let applied: Vec<Name> = diesel::sql_query(POSTGRES_OBJECTS).load(&mut conn).await.unwrap();
        assert!(applied.iter().any(|n| n.name == "audit_log_is_append_only"), "{applied:?}");

        diesel::sql_query(INSERT_AUDIT).execute(&mut conn).await.unwrap();
        let update =
            diesel::sql_query("UPDATE audit_log SET actor = 'someone else'").execute(&mut conn).await;
        assert!(update.unwrap_err().to_string().contains("append-only"));
        assert!(diesel::sql_query("DELETE FROM audit_log").execute(&mut conn).await.is_err());

        let mut harness = AsyncMigrationHarness::new(conn);
        harness.revert_all_migrations(POSTGRES_MIGRATIONS).unwrap();
        let mut conn = harness.into_inner();
        let reverted: Vec<Name> = diesel::sql_query(POSTGRES_OBJECTS).load(&mut conn).await.unwrap();
        assert_eq!(reverted, vec![], "down.sql left these behind");

        let mut harness = AsyncMigrationHarness::new(conn);
        harness.run_pending_migrations(POSTGRES_MIGRATIONS).unwrap();
        let mut conn = harness.into_inner();
        let again: Vec<Name> = diesel::sql_query(POSTGRES_OBJECTS).load(&mut conn).await.unwrap();
        assert_eq!(again, applied);
        drop(conn);
        diesel::sql_query(format!("DROP DATABASE {name}")).execute(&mut server).await.unwrap();
    }
}
