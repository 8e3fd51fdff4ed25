//! Liveness, readiness and metrics.

use std::sync::Arc;

use poem_openapi::{ApiResponse, OpenApi, payload::PlainText};

use super::ApiTags;
use crate::state::AppState;

pub struct HealthApi(pub Arc<AppState>);

#[derive(ApiResponse)]
enum Readiness {
    /// The database answers.
    #[oai(status = 200)]
    Ready(PlainText<String>),
    /// The database does not answer.
    #[oai(status = 503)]
    NotReady(PlainText<String>),
}

#[OpenApi(tag = "ApiTags::Health")]
impl HealthApi {
    /// Liveness: the process answers.
    #[oai(path = "/healthz", method = "get")]
    async fn healthz(&self) -> PlainText<&'static str> {
        PlainText("ok")
    }

    /// Readiness: the database is reachable.
    #[oai(path = "/readyz", method = "get")]
    async fn readyz(&self) -> Readiness {
        match self.0.store.ping().await {
            Ok(()) => Readiness::Ready(PlainText("ready".into())),
            Err(error) => {
                tracing::warn!(%error, "not ready");
                Readiness::NotReady(PlainText("database unreachable".into()))
            }
        }
    }

    /// Prometheus metrics (text exposition format).
    #[oai(path = "/metrics", method = "get")]
    async fn metrics(&self) -> PlainText<String> {
        PlainText(self.0.metrics.render())
    }
}
